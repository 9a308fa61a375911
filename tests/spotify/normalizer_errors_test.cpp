#include <gtest/gtest.h>

#include "spotify/normalizer.hpp"
#include "support/fixtures.hpp"
#include "support/normalized.hpp"

namespace countryhub::spotify {
namespace {

using countryhub::testing::fixed_options;
using countryhub::testing::read_fixture;

struct UnusableCase {
  std::string fixture;
  Error expected;
  std::string detail_part;
};

class UnusableInput : public ::testing::TestWithParam<UnusableCase> {};

TEST_P(UnusableInput, FailsWithReason) {
  const auto& param = GetParam();
  const auto result = normalize_hub(read_fixture(param.fixture), fixed_options());
  ASSERT_TRUE(result.has_error()) << param.fixture;
  EXPECT_EQ(error_name(result.error().kind), error_name(param.expected));
  EXPECT_NE(result.error().detail.find(param.detail_part), std::string::npos)
      << result.error().detail;
}

INSTANTIATE_TEST_SUITE_P(
    ComposedFixtures, UnusableInput,
    ::testing::Values(
        UnusableCase{"composed/block_page.html", Error::kHtmlPage, "403 URL Blocked"},
        UnusableCase{"composed/captcha_page.html", Error::kHtmlPage, "Verify you are human"},
        UnusableCase{"composed/not_json.txt", Error::kInvalidJson, "Service temporarily"},
        UnusableCase{"composed/truncated.json", Error::kInvalidJson, "not valid JSON"},
        UnusableCase{"composed/hub_invalid_utf8.json", Error::kInvalidUtf8, "UTF-8"},
        UnusableCase{"composed/errors_persisted_query_not_found.json",
                     Error::kPersistedQueryNotFound, "PersistedQueryNotFound"},
        UnusableCase{"composed/errors_validation.json", Error::kGraphqlErrors, "countryCode"},
        UnusableCase{"composed/errors_without_data.json", Error::kGraphqlErrors,
                     "Internal server error"},
        UnusableCase{"composed/hub_no_shelves.json", Error::kNoShelves, "no shelves"},
        UnusableCase{"composed/hub_null.json", Error::kNoShelves, "countryHub is null"},
        UnusableCase{"composed/hub_all_dropped.json", Error::kEmptyHub, "empty"}));

TEST(NormalizeHub, RejectsEmptyAndNonObjectBodies) {
  EXPECT_EQ(normalize_hub("", fixed_options()).error().kind, Error::kInvalidJson);
  EXPECT_EQ(normalize_hub("  \n", fixed_options()).error().kind, Error::kInvalidJson);
  EXPECT_EQ(normalize_hub("[1,2]", fixed_options()).error().kind, Error::kInvalidJson);
  EXPECT_EQ(normalize_hub("{}", fixed_options()).error().kind, Error::kNoShelves);
}

TEST(NormalizeHub, DetectsHtmlAfterByteOrderMarkAndSpace) {
  const auto result = normalize_hub("\xEF\xBB\xBF \n<html><body>blocked</body></html>",
                                    fixed_options());
  EXPECT_EQ(result.error().kind, Error::kHtmlPage);
}

// simdjson reports an escaped lone surrogate as a string error, so it counts
// as invalid JSON; both kinds map to the same upstream_unusable answer.
TEST(NormalizeHub, RejectsLoneSurrogateEscape) {
  const auto result = normalize_hub(
      R"({"data":{"countryHub":{"shelves":[{"contentId":"X","items":[]}],"name":"\ud800"}}})",
      fixed_options());
  ASSERT_TRUE(result.has_error());
  EXPECT_EQ(result.error().kind, Error::kInvalidJson);
}

TEST(NormalizeHub, PrefersPersistedQueryErrorOverEmptyHub) {
  const auto result = normalize_hub(
      R"({"data":{"countryHub":null},"errors":[{"message":"x","extensions":{"code":"PERSISTED_QUERY_NOT_FOUND"}}]})",
      fixed_options());
  EXPECT_EQ(result.error().kind, Error::kPersistedQueryNotFound);
}

TEST(NormalizeHub, ReportsErrorsBesideNullHub) {
  const auto result = normalize_hub(
      R"({"data":{"countryHub":null},"errors":[{"message":"Hub unavailable"}]})",
      fixed_options());
  ASSERT_TRUE(result.has_error());
  EXPECT_EQ(result.error().kind, Error::kGraphqlErrors);
  EXPECT_EQ(result.error().detail, "Hub unavailable");
}

TEST(NormalizeHub, HubOnlyModeRejectsOtherOperations) {
  auto options = fixed_options();
  options.hub_only = true;
  const auto result =
      normalize_hub(read_fixture("real/home_section_popular_albums.json"), options);
  ASSERT_TRUE(result.has_error());
  EXPECT_EQ(result.error().kind, Error::kNoShelves);
}

}  // namespace
}  // namespace countryhub::spotify
