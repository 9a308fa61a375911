#include <algorithm>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "spotify/client_defaults.hpp"
#include "spotify/fake_client_fixture.hpp"
#include "spotify/hub_client.hpp"
#include "support/fixtures.hpp"

namespace countryhub::spotify {
namespace {

namespace fs = std::filesystem;

const std::string kFirstHash(kDefaultQueryHashes[0]);
const std::string kSecondHash(kDefaultQueryHashes[1]);

class HubClientFetch : public FakeSpotifyClientTest {};

TEST_F(HubClientFetch, FetchesHubWithTotpToken) {
  const auto client = make_hub_client(fake_config());
  auto hub = client->fetch_hub(HubRequest{"us", "req-1"});
  ASSERT_TRUE(hub.has_value()) << hub.error().detail;
  EXPECT_EQ(hub->hub().country_code, "US");
  EXPECT_EQ(hub->hub().meta.request_id, "req-1");
  EXPECT_EQ(hub->hub().meta.app_version, "1.2.93.74.g96d1110e");
  EXPECT_GT(hub->hub().meta.fetched_at_ms, 0);
  EXPECT_EQ(calls("server_time"), 1);
  EXPECT_EQ(calls("token"), 1);
  EXPECT_EQ(calls("embed"), 0);
  EXPECT_EQ(calls("clienttoken"), 1);
  EXPECT_EQ(calls("pathfinder_v2"), 1);
  EXPECT_EQ(calls("pathfinder_v1"), 0);
}

TEST_F(HubClientFetch, SendsWebPlayerHeaders) {
  const auto client = make_hub_client(fake_config());
  ASSERT_TRUE(client->fetch_hub(HubRequest{"gb", "req"}).has_value());
  const auto headers = last_pathfinder_headers();
  EXPECT_EQ(headers.at("app-platform").as_string(), "WebPlayer");
  EXPECT_EQ(headers.at("spotify-app-version").as_string(), "1.2.93.74.g96d1110e");
  EXPECT_EQ(headers.at("accept-language").as_string(), "en");
  EXPECT_TRUE(headers.contains("client-token"));
  EXPECT_TRUE(headers.at("authorization").as_string().starts_with("Bearer "));
  EXPECT_EQ(last_pathfinder_member("country"), "GB");
  EXPECT_EQ(last_pathfinder_member("method"), "POST");
  EXPECT_EQ(last_pathfinder_member("hash"), kFirstHash);
}

TEST_F(HubClientFetch, ReportsStatusAfterSuccess) {
  const auto client = make_hub_client(fake_config());
  EXPECT_FALSE(client->status().has_token);
  ASSERT_TRUE(client->fetch_hub(HubRequest{"us", "req"}).has_value());
  const UpstreamStatus status = client->status();
  EXPECT_TRUE(status.has_token);
  EXPECT_GE(status.token_age_seconds, 0);
  EXPECT_EQ(status.working_hash, kFirstHash);
  EXPECT_GT(status.last_success_ms, 0);
  EXPECT_EQ(status.last_failure, "");
}

TEST_F(HubClientFetch, ReusesCachedTokens) {
  const auto client = make_hub_client(fake_config());
  for (const char* country : {"us", "gb", "fr"}) {
    auto hub = client->fetch_hub(HubRequest{country, "req"});
    ASSERT_TRUE(hub.has_value()) << country << ": " << hub.error().detail;
  }
  EXPECT_EQ(calls("token"), 1);
  EXPECT_EQ(calls("clienttoken"), 1);
  EXPECT_EQ(calls("pathfinder"), 3);
}

TEST_F(HubClientFetch, RefreshesTokenWithinMinuteOfExpiry) {
  // A 30-second lifetime is inside the 60-second early refresh window, so
  // each fetch mints again.
  fake().configure(R"({"token_ttl_seconds": 30})");
  const auto client = make_hub_client(fake_config());
  ASSERT_TRUE(client->fetch_hub(HubRequest{"us", "req"}).has_value());
  ASSERT_TRUE(client->fetch_hub(HubRequest{"us", "req"}).has_value());
  EXPECT_EQ(calls("token"), 2);
}

TEST_F(HubClientFetch, UsesEmbedTokenWithoutSecret) {
  ClientConfig config = fake_config();
  config.totp_secret.clear();
  config.totp_version = 0;
  config.scan_bundle = false;
  const auto client = make_hub_client(config);
  auto hub = client->fetch_hub(HubRequest{"us", "req"});
  ASSERT_TRUE(hub.has_value()) << hub.error().detail;
  EXPECT_EQ(calls("token"), 0);
  EXPECT_EQ(calls("server_time"), 0);
  EXPECT_EQ(calls("embed"), 1);
  // The embed session names no client id, so no client token can be minted.
  EXPECT_EQ(calls("clienttoken"), 0);
  EXPECT_FALSE(last_pathfinder_headers().contains("client-token"));
}

TEST_F(HubClientFetch, FallsBackToEmbedWhenTotpRejected) {
  fake().configure(R"({"totp_secrets": [{"secret": "another-secret", "version": 62}]})");
  ClientConfig config = fake_config();
  config.scan_bundle = false;
  const auto client = make_hub_client(config);
  auto hub = client->fetch_hub(HubRequest{"us", "req"});
  ASSERT_TRUE(hub.has_value()) << hub.error().detail;
  EXPECT_EQ(calls("token"), 1);
  EXPECT_EQ(calls("embed"), 1);
}

TEST_F(HubClientFetch, FallsBackToLocalClockWithoutServerTime) {
  fake().add_fault(R"({"endpoint": "server_time", "kind": "status", "status": 503})");
  const auto client = make_hub_client(fake_config());
  auto hub = client->fetch_hub(HubRequest{"us", "req"});
  ASSERT_TRUE(hub.has_value()) << hub.error().detail;
  EXPECT_EQ(calls("token"), 1);
  EXPECT_EQ(calls("embed"), 0);
}

TEST_F(HubClientFetch, RefreshesTokenOnceAfter401) {
  fake().add_fault(R"({"endpoint": "pathfinder", "kind": "unauthorized"})");
  const auto client = make_hub_client(fake_config());
  auto hub = client->fetch_hub(HubRequest{"us", "req"});
  ASSERT_TRUE(hub.has_value()) << hub.error().detail;
  EXPECT_EQ(calls("token"), 2);
  EXPECT_EQ(calls("pathfinder"), 2);
}

TEST_F(HubClientFetch, TriesSecondHashWhenFirstIsStale) {
  fake().configure(R"({"accepted_hashes": [")" + kSecondHash + R"("]})");
  const auto client = make_hub_client(fake_config());
  auto hub = client->fetch_hub(HubRequest{"us", "req"});
  ASSERT_TRUE(hub.has_value()) << hub.error().detail;
  EXPECT_EQ(calls("pathfinder_v2"), 2);
  EXPECT_EQ(last_pathfinder_member("hash"), kSecondHash);
  EXPECT_EQ(client->status().working_hash, kSecondHash);

  // The working hash goes first from now on.
  ASSERT_TRUE(client->fetch_hub(HubRequest{"us", "req"}).has_value());
  EXPECT_EQ(calls("pathfinder_v2"), 3);
}

TEST_F(HubClientFetch, FallsBackToV1WhenV2IsStale) {
  fake().add_fault(
      R"({"endpoint": "pathfinder_v2", "kind": "persisted_query_not_found", "count": -1})");
  const auto client = make_hub_client(fake_config());
  auto hub = client->fetch_hub(HubRequest{"us", "req"});
  ASSERT_TRUE(hub.has_value()) << hub.error().detail;
  EXPECT_EQ(calls("pathfinder_v2"), 2);
  EXPECT_EQ(calls("pathfinder_v1"), 1);
  EXPECT_EQ(last_pathfinder_member("method"), "GET");
}

TEST_F(HubClientFetch, RenewsRejectedClientToken) {
  const auto client = make_hub_client(fake_config());
  ASSERT_TRUE(client->fetch_hub(HubRequest{"us", "req"}).has_value());
  // The fake drops every token it issued: the cached bearer gets 401 and
  // the cached client token INVALID_CLIENTTOKEN, each renewed once.
  fake().reset();
  auto hub = client->fetch_hub(HubRequest{"us", "req"});
  ASSERT_TRUE(hub.has_value()) << hub.error().detail;
  EXPECT_EQ(calls("token"), 1);
  EXPECT_EQ(calls("clienttoken"), 1);
  EXPECT_EQ(calls("pathfinder"), 3);
  EXPECT_TRUE(last_pathfinder_headers().contains("client-token"));
}

TEST_F(HubClientFetch, ClientTokenFailureIsNotFatal) {
  fake().add_fault(R"({"endpoint": "clienttoken", "kind": "status", "status": 500, "count": -1})");
  ClientConfig config = fake_config();
  config.retry_base_ms = 10;
  const auto client = make_hub_client(config);
  auto hub = client->fetch_hub(HubRequest{"us", "req"});
  ASSERT_TRUE(hub.has_value()) << hub.error().detail;
  EXPECT_EQ(calls("clienttoken"), config.max_attempts);
  EXPECT_FALSE(last_pathfinder_headers().contains("client-token"));
}

TEST_F(HubClientFetch, DropsNullItemsAndCountsThem) {
  fake().add_fault(R"({"endpoint": "pathfinder", "kind": "null_item"})");
  const auto client = make_hub_client(fake_config());
  auto hub = client->fetch_hub(HubRequest{"us", "req"});
  ASSERT_TRUE(hub.has_value()) << hub.error().detail;
  EXPECT_EQ(hub->hub().meta.dropped_item_count, 1);
}

TEST_F(HubClientFetch, ConcurrentFetchesShareOneTokenMint) {
  fake().configure(R"({"latency_ms": 100})");
  const auto client = make_hub_client(fake_config());
  std::vector<std::thread> threads;
  std::vector<int> successes(6, 0);
  for (std::size_t i = 0; i < successes.size(); ++i) {
    threads.emplace_back([&, i] {
      successes[i] = client->fetch_hub(HubRequest{"us", "req"}).has_value() ? 1 : 0;
    });
  }
  for (std::thread& thread : threads) {
    thread.join();
  }
  EXPECT_EQ(std::count(successes.begin(), successes.end(), 1), 6);
  EXPECT_EQ(calls("token"), 1);
  EXPECT_EQ(calls("clienttoken"), 1);
  EXPECT_EQ(calls("pathfinder"), 6);
}

// A fresh folder under the system temporary directory, removed afterwards.
class RecordFolder {
 public:
  RecordFolder()
      : path_(fs::temp_directory_path() /
              ("countryhub-record-" + std::to_string(::getpid()) + "-" +
               ::testing::UnitTest::GetInstance()->current_test_info()->name())) {
    fs::remove_all(path_);
  }
  ~RecordFolder() { fs::remove_all(path_); }
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

std::string read_all_files(const fs::path& folder) {
  std::string contents;
  for (const auto& entry : fs::directory_iterator(folder)) {
    contents += entry.path().filename().string() + "\n";
    contents += countryhub::testing::read_file(entry.path().string());
  }
  return contents;
}

TEST_F(HubClientFetch, RecordsWithoutTokensThenReplays) {
  RecordFolder folder;
  ClientConfig config = fake_config();
  config.record_dir = folder.path().string();
  const auto recording = make_hub_client(config);
  auto live = recording->fetch_hub(HubRequest{"gb", "req"});
  ASSERT_TRUE(live.has_value()) << live.error().detail;

  EXPECT_EQ(countryhub::testing::read_file((folder.path() / "hub_gb.json").string()),
            countryhub::testing::read_fixture("composed/hub_gb.json"));
  const std::string bearer(last_pathfinder_headers().at("authorization").as_string());
  const std::string client_token(last_pathfinder_headers().at("client-token").as_string());
  const std::string recorded = read_all_files(folder.path());
  EXPECT_EQ(recorded.find(bearer.substr(7)), std::string::npos);
  EXPECT_EQ(recorded.find(client_token), std::string::npos);
  EXPECT_NE(recorded.find("-token-200.body"), std::string::npos);
  EXPECT_NE(recorded.find("-server_time-200.body"), std::string::npos);
  EXPECT_NE(recorded.find("-client_token-200.body"), std::string::npos);
  EXPECT_NE(recorded.find("-pathfinder_v2-gb-200.body"), std::string::npos);
  EXPECT_NE(recorded.find("<redacted>"), std::string::npos);

  ClientConfig replay;
  replay.replay_dir = folder.path().string();
  const auto replaying = make_hub_client(replay);
  const std::int64_t calls_before = calls("pathfinder");
  auto replayed = replaying->fetch_hub(HubRequest{"gb", "req"});
  ASSERT_TRUE(replayed.has_value()) << replayed.error().detail;
  EXPECT_EQ(replayed->hub().country_code, "GB");
  EXPECT_EQ(replayed->hub().meta.item_count, live->hub().meta.item_count);
  EXPECT_EQ(calls("pathfinder"), calls_before);
}

TEST_F(HubClientFetch, RecordsFailedResponses) {
  RecordFolder folder;
  fake().add_fault(R"({"endpoint": "pathfinder", "kind": "html_block"})");
  ClientConfig config = fake_config();
  config.record_dir = folder.path().string();
  const auto client = make_hub_client(config);
  ASSERT_TRUE(client->fetch_hub(HubRequest{"us", "req"}).has_error());
  const std::string recorded = read_all_files(folder.path());
  EXPECT_NE(recorded.find("-pathfinder_v2-us-403.body"), std::string::npos);
  EXPECT_NE(recorded.find("URL Blocked"), std::string::npos);
  EXPECT_FALSE(fs::exists(folder.path() / "hub_us.json"));
}

}  // namespace
}  // namespace countryhub::spotify
