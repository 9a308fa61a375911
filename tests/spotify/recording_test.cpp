#include "spotify/recording.hpp"

#include <filesystem>
#include <regex>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "spotify/hub_client.hpp"
#include "support/fixtures.hpp"

namespace countryhub::spotify {
namespace {

namespace fs = std::filesystem;
using countryhub::testing::read_file;
using countryhub::testing::read_fixture;

// A fresh folder under the system temporary directory, removed afterwards.
class TempFolder {
 public:
  TempFolder() {
    const auto* test = ::testing::UnitTest::GetInstance()->current_test_info();
    path_ = fs::temp_directory_path() / ("countryhub-" + std::string(test->test_suite_name()) +
                                         "-" + test->name() + "-" + std::to_string(::getpid()));
    fs::remove_all(path_);
    fs::create_directories(path_);
  }
  ~TempFolder() { fs::remove_all(path_); }
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

std::vector<std::string> file_names(const fs::path& folder) {
  std::vector<std::string> names;
  for (const auto& entry : fs::directory_iterator(folder)) {
    names.push_back(entry.path().filename().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

TEST(RedactTokens, ReplacesTokenValues) {
  EXPECT_EQ(redact_tokens(R"({"clientId":"c1","accessToken":"BQA\"x","isAnonymous":true})"),
            R"({"clientId":"c1","accessToken":"<redacted>","isAnonymous":true})");
  EXPECT_EQ(redact_tokens(R"({"granted_token":{"token" : "AAC","expires_after_seconds":5}})"),
            R"({"granted_token":{"token" : "<redacted>","expires_after_seconds":5}})");
}

TEST(RedactTokens, WorksInsideHtmlAndKeepsOtherText) {
  const std::string page =
      R"(<script id="__NEXT_DATA__">{"session":{"accessToken":"secret-1","x":"token"}}</script>)";
  const std::string redacted = redact_tokens(page);
  EXPECT_EQ(redacted.find("secret-1"), std::string::npos);
  EXPECT_NE(redacted.find(R"("x":"token")"), std::string::npos) << redacted;
  EXPECT_NE(redacted.find("</script>"), std::string::npos);
}

TEST(RedactTokens, DropsRestOfUnclosedValue) {
  EXPECT_EQ(redact_tokens(R"({"accessToken":"BQA-cut)"), R"({"accessToken":"<redacted>)");
}

TEST(HubFileName, OnlyTwoLetterCodes) {
  EXPECT_EQ(hub_file_name("US").value_or(""), "hub_us.json");
  EXPECT_FALSE(hub_file_name("..").has_value());
  EXPECT_FALSE(hub_file_name("u/").has_value());
  EXPECT_FALSE(hub_file_name("usa").has_value());
}

TEST(Recorder, NamesFilesByTimeSequenceCallCountryStatus) {
  TempFolder folder;
  Recorder recorder(folder.path() / "nested");
  recorder.write_response("token", "", 200, R"({"accessToken":"BQA-live"})", true);
  recorder.write_response("pathfinder_v2", "US", 429, "", false);
  const auto names = file_names(folder.path() / "nested");
  ASSERT_EQ(names.size(), 2u);
  EXPECT_TRUE(std::regex_match(names[0], std::regex(R"(\d{8}T\d{6}Z-000001-token-200\.body)")))
      << names[0];
  EXPECT_TRUE(
      std::regex_match(names[1], std::regex(R"(\d{8}T\d{6}Z-000002-pathfinder_v2-us-429\.body)")))
      << names[1];
  EXPECT_EQ(read_file((folder.path() / "nested" / names[0]).string()),
            R"({"accessToken":"<redacted>"})");
}

TEST(Recorder, HubFileIsReadBack) {
  TempFolder folder;
  Recorder recorder(folder.path());
  recorder.write_hub("GB", "first");
  recorder.write_hub("GB", "second");
  EXPECT_EQ(file_names(folder.path()), std::vector<std::string>{"hub_gb.json"});
  EXPECT_EQ(read_recorded_hub(folder.path(), "gb").value_or(""), "second");
  EXPECT_FALSE(read_recorded_hub(folder.path(), "fr").has_value());
}

TEST(Recorder, RejectsPathThatIsAFile) {
  TempFolder folder;
  const fs::path file = folder.path() / "file";
  std::ofstream(file) << "x";
  EXPECT_THROW(Recorder{file}, std::invalid_argument);
}

ClientConfig replay_config(const fs::path& folder) {
  ClientConfig config;
  config.replay_dir = folder.string();
  return config;
}

TEST(ReplayClient, ServesExampleHubs) {
  const auto client = make_hub_client(replay_config(COUNTRYHUB_EXAMPLES_DIR "/replay"));
  for (const char* country : {"us", "GB"}) {
    auto hub = client->fetch_hub(HubRequest{country, "req-replay"});
    ASSERT_TRUE(hub.has_value()) << hub.error().detail;
    EXPECT_EQ(hub->hub().country_code, std::string(country) == "us" ? "US" : "GB");
    EXPECT_EQ(hub->hub().meta.request_id, "req-replay");
    EXPECT_FALSE(hub->hub().sections.empty());
  }
  EXPECT_GT(client->status().last_success_ms, 0);
}

TEST(ReplayClient, MissingRecordingIsTransportFailure) {
  const auto client = make_hub_client(replay_config(COUNTRYHUB_EXAMPLES_DIR "/replay"));
  const auto hub = client->fetch_hub(HubRequest{"fr", "req"});
  ASSERT_TRUE(hub.has_error());
  EXPECT_EQ(hub.error().kind, Error::kTransport);
  EXPECT_EQ(hub.error().stage, Stage::kPathfinder);
  EXPECT_NE(hub.error().detail.find("no recording for FR"), std::string::npos)
      << hub.error().detail;
  EXPECT_EQ(client->status().last_failure, "pathfinder: transport");
}

TEST(ReplayClient, ClassifiesRecordedBodiesLikeLiveOnes) {
  TempFolder folder;
  std::ofstream(folder.path() / "hub_de.json") << read_fixture("composed/hub_gb.json");
  std::ofstream(folder.path() / "hub_fr.json") << read_fixture("composed/block_page.html");
  std::ofstream(folder.path() / "hub_it.json", std::ios::binary)
      << read_fixture("composed/hub_invalid_utf8.json");
  const auto client = make_hub_client(replay_config(folder.path()));

  const auto mismatch = client->fetch_hub(HubRequest{"de", "req"});
  ASSERT_TRUE(mismatch.has_error());
  EXPECT_EQ(mismatch.error().kind, Error::kCountryMismatch);
  const auto blocked = client->fetch_hub(HubRequest{"fr", "req"});
  ASSERT_TRUE(blocked.has_error());
  EXPECT_EQ(blocked.error().kind, Error::kHtmlPage);
  const auto invalid = client->fetch_hub(HubRequest{"it", "req"});
  ASSERT_TRUE(invalid.has_error());
  EXPECT_EQ(invalid.error().kind, Error::kInvalidUtf8);
}

TEST(ReplayClient, RejectsCodeThatIsNoCountry) {
  const auto client = make_hub_client(replay_config(COUNTRYHUB_EXAMPLES_DIR "/replay"));
  const auto hub = client->fetch_hub(HubRequest{"../replay/hub_us", "req"});
  ASSERT_TRUE(hub.has_error());
  EXPECT_EQ(hub.error().kind, Error::kCountryMismatch);
}

TEST(MakeHubClient, RejectsInvalidConfiguration) {
  ClientConfig bad_hash;
  bad_hash.query_hashes = {"abc"};
  EXPECT_THROW(make_hub_client(bad_hash), std::invalid_argument);

  ClientConfig no_version;
  no_version.totp_secret = "s";
  EXPECT_THROW(make_hub_client(no_version), std::invalid_argument);

  ClientConfig zero_timeout;
  zero_timeout.upstream_timeout_ms = 0;
  EXPECT_THROW(make_hub_client(zero_timeout), std::invalid_argument);

  ClientConfig missing_replay = replay_config("/nonexistent/countryhub-replay");
  EXPECT_THROW(make_hub_client(missing_replay), std::invalid_argument);

  ClientConfig both = replay_config(COUNTRYHUB_EXAMPLES_DIR "/replay");
  both.record_dir = "/tmp/countryhub-record";
  EXPECT_THROW(make_hub_client(both), std::invalid_argument);

  ClientConfig bad_url;
  bad_url.api_url = "ftp://127.0.0.1";
  EXPECT_THROW(make_hub_client(bad_url), std::invalid_argument);

  ClientConfig bad_proxy;
  bad_proxy.proxies = {"127.0.0.1:3128"};
  EXPECT_THROW(make_hub_client(bad_proxy), std::invalid_argument);
}

}  // namespace
}  // namespace countryhub::spotify
