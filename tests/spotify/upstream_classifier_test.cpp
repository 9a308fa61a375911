#include "spotify/upstream_classifier.hpp"

#include <ostream>
#include <string>

#include <gtest/gtest.h>

#include "support/fixtures.hpp"
#include "support/normalized.hpp"

namespace countryhub::spotify {
namespace {

using countryhub::testing::fixed_options;
using countryhub::testing::read_fixture;

HttpResponse answer(int status, std::string body, std::string content_type = "") {
  HttpResponse response;
  response.status = status;
  response.body = std::move(body);
  response.content_type = std::move(content_type);
  return response;
}

TEST(ClassifyStatus, RateLimitCarriesRetryAfter) {
  HttpResponse response =
      answer(429, R"({"error":{"status":429,"message":"API rate limit exceeded"}})");
  response.retry_after = "57";
  const FetchFailure failure = classify_status(Stage::kPathfinder, "pathfinder_v2", response);
  EXPECT_EQ(failure.kind, Error::kRateLimited);
  EXPECT_EQ(failure.stage, Stage::kPathfinder);
  EXPECT_EQ(failure.retry_after_seconds, 57);
  EXPECT_EQ(failure.http_status, 429);
  EXPECT_NE(failure.detail.find("API rate limit exceeded"), std::string::npos) << failure.detail;
}

TEST(ClassifyStatus, EmptyRateLimitResponse) {
  const FetchFailure failure = classify_status(Stage::kToken, "token", answer(429, ""));
  EXPECT_EQ(failure.kind, Error::kRateLimited);
  EXPECT_EQ(failure.retry_after_seconds, 0);
  EXPECT_NE(failure.detail.find("empty body"), std::string::npos) << failure.detail;
}

TEST(ClassifyStatus, BlockPageIsHtmlPage) {
  const FetchFailure failure = classify_status(
      Stage::kToken, "token", answer(403, read_fixture("composed/block_page.html"), "text/html"));
  EXPECT_EQ(failure.kind, Error::kHtmlPage);
  EXPECT_EQ(failure.http_status, 403);
  EXPECT_NE(failure.detail.find("403 URL Blocked"), std::string::npos) << failure.detail;
}

TEST(ClassifyStatus, HtmlBodyWithoutContentTypeIsHtmlPage) {
  const FetchFailure failure = classify_status(
      Stage::kPathfinder, "pathfinder_v2", answer(403, read_fixture("composed/block_page.html")));
  EXPECT_EQ(failure.kind, Error::kHtmlPage);
}

TEST(ClassifyStatus, UnauthorizedIsAuthFailed) {
  EXPECT_EQ(classify_status(Stage::kPathfinder, "pathfinder_v2", answer(401, "")).kind,
            Error::kAuthFailed);
  EXPECT_EQ(classify_status(Stage::kPathfinder, "pathfinder_v2",
                            answer(403, R"({"error":"RBAC: access denied"})"))
                .kind,
            Error::kAuthFailed);
}

TEST(ClassifyStatus, ServerErrorIsUpstreamStatus) {
  const FetchFailure failure = classify_status(Stage::kPathfinder, "pathfinder_v2",
                                               answer(503, R"({"error":{"status":503}})"));
  EXPECT_EQ(failure.kind, Error::kUpstreamStatus);
  EXPECT_EQ(failure.http_status, 503);
  EXPECT_NE(failure.detail.find("HTTP 503"), std::string::npos) << failure.detail;
}

TEST(ParseRetryAfter, ReadsSecondsAndDates) {
  EXPECT_EQ(parse_retry_after("5", 0), 5);
  EXPECT_EQ(parse_retry_after(" 16 ", 0), 16);
  EXPECT_EQ(parse_retry_after("86400", 0), 86400);
  // 2015-10-21 07:28:00 UTC is 1445412480.
  EXPECT_EQ(parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT", 1445412480 - 120), 120);
}

TEST(ParseRetryAfter, InvalidPastOrHugeValuesAreBounded) {
  EXPECT_EQ(parse_retry_after("", 0), 0);
  EXPECT_EQ(parse_retry_after("soon", 0), 0);
  EXPECT_EQ(parse_retry_after("-3", 0), 0);
  EXPECT_EQ(parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT", 1445412480 + 10), 0);
  EXPECT_EQ(parse_retry_after("99999999", 0), kMaxRetryAfterSeconds);
  EXPECT_EQ(parse_retry_after("99999999999999999999999", 0), kMaxRetryAfterSeconds);
}

TEST(LooksLikeHtml, UsesContentTypeOrFirstByte) {
  EXPECT_TRUE(looks_like_html("{}", "text/html; charset=utf-8"));
  EXPECT_TRUE(looks_like_html("  \n<!DOCTYPE html>", ""));
  EXPECT_FALSE(looks_like_html(R"({"data":null})", "application/json"));
  EXPECT_FALSE(looks_like_html("", ""));
}

TEST(QuoteBody, SqueezesSpaceAndHidesBinary) {
  EXPECT_EQ(quote_body("  a \n\n b\xFF"
                       "c  "),
            "a b c");
  EXPECT_EQ(quote_body(std::string(500, 'x')).size(), 120u);
}

struct JsonBodyCase {
  std::string fixture;
  std::string content_type;
  Error expected;

  friend void PrintTo(const JsonBodyCase& test_case, std::ostream* out) {
    *out << test_case.fixture;
  }
};

class JsonBody : public ::testing::TestWithParam<JsonBodyCase> {};

TEST_P(JsonBody, RejectsWhatIsNotJson) {
  const auto& param = GetParam();
  const auto parsed = parse_json_body(Stage::kToken, "token",
                                      answer(200, read_fixture(param.fixture), param.content_type));
  ASSERT_TRUE(parsed.has_error()) << param.fixture;
  EXPECT_EQ(error_name(parsed.error().kind), error_name(param.expected)) << parsed.error().detail;
  EXPECT_EQ(parsed.error().stage, Stage::kToken);
}

INSTANTIATE_TEST_SUITE_P(
    ComposedFixtures, JsonBody,
    ::testing::Values(
        JsonBodyCase{"composed/captcha_page.html", "text/html", Error::kHtmlPage},
        JsonBodyCase{"composed/block_page.html", "", Error::kHtmlPage},
        JsonBodyCase{"composed/not_json.txt", "text/plain", Error::kInvalidJson},
        JsonBodyCase{"composed/truncated.json", "application/json", Error::kInvalidJson},
        JsonBodyCase{"composed/hub_invalid_utf8.json", "application/json", Error::kInvalidUtf8}));

TEST(ParseJsonBody, AcceptsJson) {
  const auto parsed = parse_json_body(Stage::kToken, "token", answer(200, R"({"serverTime": 5})"));
  ASSERT_TRUE(parsed.has_value());
  EXPECT_EQ(parsed->at("serverTime").as_int64(), 5);
}

struct HubBodyCase {
  std::string fixture;
  std::string country;
  Error expected;
  Stage stage;

  friend void PrintTo(const HubBodyCase& test_case, std::ostream* out) {
    *out << test_case.fixture << " for " << test_case.country;
  }
};

class HubBody : public ::testing::TestWithParam<HubBodyCase> {};

TEST_P(HubBody, ClassifiesWithStage) {
  const auto& param = GetParam();
  const auto hub = read_hub_body(read_fixture(param.fixture), fixed_options(param.country));
  ASSERT_TRUE(hub.has_error()) << param.fixture;
  EXPECT_EQ(error_name(hub.error().kind), error_name(param.expected)) << hub.error().detail;
  EXPECT_EQ(stage_name(hub.error().stage), stage_name(param.stage)) << param.fixture;
}

INSTANTIATE_TEST_SUITE_P(
    ComposedFixtures, HubBody,
    ::testing::Values(
        HubBodyCase{"composed/block_page.html", "us", Error::kHtmlPage, Stage::kPathfinder},
        HubBodyCase{"composed/captcha_page.html", "us", Error::kHtmlPage, Stage::kPathfinder},
        HubBodyCase{"composed/errors_persisted_query_not_found.json", "us",
                    Error::kPersistedQueryNotFound, Stage::kPathfinder},
        HubBodyCase{"composed/errors_validation.json", "us", Error::kGraphqlErrors,
                    Stage::kPathfinder},
        HubBodyCase{"composed/errors_without_data.json", "us", Error::kGraphqlErrors,
                    Stage::kPathfinder},
        HubBodyCase{"composed/not_json.txt", "us", Error::kInvalidJson, Stage::kParse},
        HubBodyCase{"composed/truncated.json", "us", Error::kInvalidJson, Stage::kParse},
        HubBodyCase{"composed/hub_invalid_utf8.json", "us", Error::kInvalidUtf8, Stage::kParse},
        HubBodyCase{"composed/hub_no_shelves.json", "us", Error::kNoShelves, Stage::kParse},
        HubBodyCase{"composed/hub_all_dropped.json", "us", Error::kEmptyHub, Stage::kParse},
        HubBodyCase{"composed/hub_us.json", "gb", Error::kCountryMismatch, Stage::kParse},
        HubBodyCase{"composed/hub_gb.json", "us", Error::kCountryMismatch, Stage::kParse}));

TEST(ReadHubBody, AcceptsRequestedCountryInAnyCase) {
  const auto hub = read_hub_body(read_fixture("composed/hub_gb.json"), fixed_options("gb"));
  ASSERT_TRUE(hub.has_value()) << hub.error().detail;
  EXPECT_EQ(hub->hub().country_code, "GB");
}

TEST(ReadHubBody, MismatchNamesBothCountries) {
  const auto hub = read_hub_body(read_fixture("composed/hub_gb.json"), fixed_options("us"));
  ASSERT_TRUE(hub.has_error());
  EXPECT_NE(hub.error().detail.find("US"), std::string::npos) << hub.error().detail;
  EXPECT_NE(hub.error().detail.find("GB"), std::string::npos) << hub.error().detail;
}

TEST(RequestCountry, UpperCasesTwoLetters) {
  EXPECT_EQ(request_country("us").value(), "US");
  EXPECT_EQ(request_country("Gb").value(), "GB");
}

TEST(RequestCountry, RejectsOtherCodes) {
  for (const char* code : {"", "u", "usa", "u1", "..", "u/"}) {
    const auto country = request_country(code);
    ASSERT_TRUE(country.has_error()) << code;
    EXPECT_EQ(country.error().kind, Error::kCountryMismatch) << code;
  }
}

}  // namespace
}  // namespace countryhub::spotify
