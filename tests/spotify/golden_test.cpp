// Compares the normalized output of each usable fixture with a checked-in
// expected JSON in tests/golden/. After a deliberate change of output, run
// the test binary with COUNTRYHUB_UPDATE_GOLDEN=1 and review the diff.
#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <fstream>

#include <gtest/gtest.h>

#include "common/json_pretty.hpp"
#include "support/normalized.hpp"

namespace countryhub::spotify {
namespace {

class GoldenOutput : public ::testing::TestWithParam<std::string> {};

std::string golden_path(const std::string& fixture) {
  std::string name = fixture;
  std::replace(name.begin(), name.end(), '/', '_');
  return std::string(COUNTRYHUB_GOLDEN_DIR) + "/" + name;
}

TEST_P(GoldenOutput, MatchesCheckedInJson) {
  const std::string fixture = GetParam();
  const std::string body = countryhub::testing::read_fixture(fixture);
  auto document = normalize_hub(body, countryhub::testing::fixed_options());
  ASSERT_TRUE(document.has_value()) << document.error().detail;
  common::JsonWriter writer;
  write_hub(writer, document->hub());
  const std::string actual = common::pretty_json(writer.str()) + "\n";

  const std::string path = golden_path(fixture);
  if (std::getenv("COUNTRYHUB_UPDATE_GOLDEN") != nullptr) {
    std::ofstream(path, std::ios::binary) << actual;
    GTEST_SKIP() << "rewrote " << path;
  }
  const std::string expected = countryhub::testing::read_file(path);
  EXPECT_EQ(boost::json::parse(actual), boost::json::parse(expected))
      << "normalized output of " << fixture << " differs from " << path;
}

INSTANTIATE_TEST_SUITE_P(
    Fixtures, GoldenOutput,
    ::testing::Values("real/artist_overview.json",
                      "real/fetch_playlist_contents_top_songs_global.json",
                      "real/fetch_playlist_top50_global.json", "real/get_album_lemonade.json",
                      "real/home_section_featured_charts.json",
                      "real/home_section_popular_albums.json",
                      "real/home_section_trending_songs.json",
                      "real/search_desktop_radiohead.json", "composed/hub_us.json",
                      "composed/hub_us_with_podcasts.json", "composed/hub_edge_cases.json",
                      "composed/hub_partial_errors.json", "composed/hub_gb.json"),
    [](const ::testing::TestParamInfo<std::string>& param_info) {
      std::string name = param_info.param.substr(0, param_info.param.rfind('.'));
      std::replace_if(name.begin(), name.end(), [](char c) { return !std::isalnum(c); }, '_');
      return name;
    });

}  // namespace
}  // namespace countryhub::spotify
