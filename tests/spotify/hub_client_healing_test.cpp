#include <algorithm>
#include <filesystem>
#include <string>
#include <unistd.h>
#include <vector>

#include <gtest/gtest.h>

#include "spotify/client_defaults.hpp"
#include "spotify/fake_client_fixture.hpp"
#include "spotify/hub_client.hpp"

namespace countryhub::spotify {
namespace {

namespace fs = std::filesystem;

const std::string kFirstHash(kDefaultQueryHashes[0]);
const std::string kSecondHash(kDefaultQueryHashes[1]);
// A hash only the fake's bundle names, as after a new web-player build.
const std::string kNewHash = "5be1d6a3a5c3e6f0e9d1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f601";
const std::string kDeadHash(64, 'd');

// A fresh state folder under the system temporary directory, removed afterwards.
class StateFolder {
 public:
  StateFolder()
      : path_(fs::temp_directory_path() /
              ("countryhub-heal-" + std::to_string(::getpid()) + "-" +
               ::testing::UnitTest::GetInstance()->current_test_info()->name())) {
    fs::remove_all(path_);
  }
  ~StateFolder() { fs::remove_all(path_); }
  std::string path() const { return path_.string(); }

 private:
  fs::path path_;
};

class HubClientHealing : public FakeSpotifyClientTest {
 protected:
  static ClientConfig bundle_secret_config() {
    ClientConfig config = fake_config();
    config.totp_secret.clear();
    config.totp_version = 0;
    return config;
  }

  static void accept_only(const std::string& hash) {
    fake().configure(R"({"accepted_hashes": [")" + hash + R"("]})");
  }
};

TEST_F(HubClientHealing, StaleFirstHashHealedBySecond) {
  accept_only(kSecondHash);
  const auto client = make_hub_client(fake_config());
  auto hub = client->fetch_hub(HubRequest{"us", "req"});
  ASSERT_TRUE(hub.has_value()) << hub.error().detail;
  EXPECT_EQ(calls("pathfinder_v2"), 2);
  EXPECT_EQ(calls("root"), 0);
  EXPECT_EQ(client->status().working_hash, kSecondHash);
  EXPECT_EQ(client->status().known_hashes.front(), kSecondHash);
}

TEST_F(HubClientHealing, StaleHashesHealedByRediscovery) {
  accept_only(kNewHash);
  const auto client = make_hub_client(fake_config());
  auto hub = client->fetch_hub(HubRequest{"us", "req"});
  ASSERT_TRUE(hub.has_value()) << hub.error().detail;
  EXPECT_EQ(calls("pathfinder_v2"), 3);
  EXPECT_EQ(calls("pathfinder_v1"), 0);
  EXPECT_EQ(calls("root"), 1);
  EXPECT_EQ(calls("bundle"), 1);
  EXPECT_EQ(last_pathfinder_member("hash"), kNewHash);
  const UpstreamStatus status = client->status();
  EXPECT_EQ(status.working_hash, kNewHash);
  EXPECT_EQ(status.known_hashes, (std::vector<std::string>{kNewHash, kFirstHash, kSecondHash}));

  // The working hash goes first from now on: one call per fetch.
  ASSERT_TRUE(client->fetch_hub(HubRequest{"gb", "req"}).has_value());
  EXPECT_EQ(calls("pathfinder_v2"), 4);
  EXPECT_EQ(calls("root"), 1);
}

TEST_F(HubClientHealing, RediscoveryReadsChunkMaps) {
  fake().configure(R"({"accepted_hashes": [")" + kNewHash +
                   R"("], "hub_hashes_in_chunk": true, "chunk_map_order": "hashes_first"})");
  const auto client = make_hub_client(fake_config());
  auto hub = client->fetch_hub(HubRequest{"us", "req"});
  ASSERT_TRUE(hub.has_value()) << hub.error().detail;
  EXPECT_EQ(calls("bundle"), 1);
  // The chunk named after the country hub is read first and names the hash.
  EXPECT_EQ(calls("chunk"), 1);
  EXPECT_EQ(client->status().working_hash, kNewHash);
}

TEST_F(HubClientHealing, RediscoveredHashSurvivesRestart) {
  StateFolder folder;
  accept_only(kNewHash);
  ClientConfig config = fake_config();
  config.state_dir = folder.path();
  ASSERT_TRUE(make_hub_client(config)->fetch_hub(HubRequest{"us", "req"}).has_value());
  EXPECT_TRUE(fs::exists(folder.path() + "/upstream_state.json"));

  fake().reset();
  accept_only(kNewHash);
  const auto restarted = make_hub_client(config);
  auto hub = restarted->fetch_hub(HubRequest{"us", "req"});
  ASSERT_TRUE(hub.has_value()) << hub.error().detail;
  EXPECT_EQ(calls("pathfinder_v2"), 1);
  EXPECT_EQ(calls("root"), 0);
  EXPECT_EQ(restarted->status().working_hash, kNewHash);
}

TEST_F(HubClientHealing, ConcurrentFetchesShareOneRescan) {
  accept_only(kNewHash);
  fake().configure(R"({"latency_ms": 50})");
  const auto client = make_hub_client(fake_config());
  std::vector<std::thread> threads;
  std::vector<int> successes(4, 0);
  for (std::size_t i = 0; i < successes.size(); ++i) {
    threads.emplace_back([&, i] {
      successes[i] = client->fetch_hub(HubRequest{"us", "req"}).has_value() ? 1 : 0;
    });
  }
  for (std::thread& thread : threads) {
    thread.join();
  }
  EXPECT_EQ(std::count(successes.begin(), successes.end(), 1), 4);
  EXPECT_EQ(calls("root"), 1);
  EXPECT_EQ(calls("bundle"), 1);
  EXPECT_EQ(calls("token"), 1);
}

TEST_F(HubClientHealing, RescansAtMostOncePerInterval) {
  fake().configure(R"({"accepted_hashes": [")" + kDeadHash + R"("], "bundle_hashes": [")" +
                   std::string(64, 'e') + R"("]})");
  const auto client = make_hub_client(fake_config());
  for (int fetch = 0; fetch < 2; ++fetch) {
    auto hub = client->fetch_hub(HubRequest{"us", "req"});
    ASSERT_TRUE(hub.has_error());
    EXPECT_EQ(hub.error().kind, Error::kPersistedQueryNotFound);
    EXPECT_NE(hub.error().detail.find("--query-hash"), std::string::npos) << hub.error().detail;
  }
  EXPECT_EQ(calls("root"), 1);
  EXPECT_EQ(calls("bundle"), 1);
  // Per fetch: v2 with two configured hashes and the learned one, then v1
  // with all three.
  EXPECT_EQ(calls("pathfinder_v2"), 6);
  EXPECT_EQ(calls("pathfinder_v1"), 6);
}

TEST_F(HubClientHealing, WorkingHashKeptAfterOneStaleAnswer) {
  accept_only(kNewHash);
  const auto client = make_hub_client(fake_config());
  ASSERT_TRUE(client->fetch_hub(HubRequest{"us", "req"}).has_value());
  fake().add_fault(R"({"endpoint": "pathfinder_v2", "kind": "persisted_query_not_found"})");
  auto hub = client->fetch_hub(HubRequest{"us", "req"});
  ASSERT_TRUE(hub.has_value()) << hub.error().detail;
  const std::vector<std::string> known = client->status().known_hashes;
  EXPECT_NE(std::find(known.begin(), known.end(), kNewHash), known.end());
  EXPECT_EQ(calls("root"), 1);
}

TEST_F(HubClientHealing, LearnedHashForgottenAfterRepeatedStaleFetches) {
  accept_only(kNewHash);
  ClientConfig config = fake_config();
  const auto client = make_hub_client(config);
  ASSERT_TRUE(client->fetch_hub(HubRequest{"us", "req"}).has_value());
  accept_only(kDeadHash);
  for (int fetch = 0; fetch < kStaleFetchesBeforeEviction; ++fetch) {
    ASSERT_TRUE(client->fetch_hub(HubRequest{"us", "req"}).has_error());
  }
  EXPECT_EQ(client->status().known_hashes, (std::vector<std::string>{kFirstHash, kSecondHash}));
}

TEST_F(HubClientHealing, UsesNewestBundleSecretWithoutConfiguredOne) {
  fake().configure(R"({"totp_secrets": [{"secret": "older-secret", "version": 60},
                                         {"secret": "newest-secret", "version": 62}]})");
  const auto client = make_hub_client(bundle_secret_config());
  EXPECT_EQ(client->status().totp_version_in_use, "none");
  auto hub = client->fetch_hub(HubRequest{"us", "req"});
  ASSERT_TRUE(hub.has_value()) << hub.error().detail;
  EXPECT_EQ(calls("root"), 1);
  EXPECT_EQ(calls("bundle"), 1);
  EXPECT_EQ(calls("token"), 1);
  EXPECT_EQ(calls("embed"), 0);
  EXPECT_EQ(client->status().totp_version_in_use, "62 (bundle)");
}

TEST_F(HubClientHealing, BundleSecretSurvivesRestart) {
  StateFolder folder;
  ClientConfig config = bundle_secret_config();
  config.state_dir = folder.path();
  ASSERT_TRUE(make_hub_client(config)->fetch_hub(HubRequest{"us", "req"}).has_value());
  fake().reset();
  const auto restarted = make_hub_client(config);
  ASSERT_TRUE(restarted->fetch_hub(HubRequest{"us", "req"}).has_value());
  EXPECT_EQ(calls("root"), 0);
  EXPECT_EQ(calls("token"), 1);
  EXPECT_EQ(restarted->status().totp_version_in_use, "61 (bundle)");
}

TEST_F(HubClientHealing, ExpiredVersionRescanPicksNewer) {
  fake().configure(R"({"totp_secrets": [{"secret": "countryhub-fake-secret-7Q2x", "version": 61},
                                         {"secret": "rotated-secret", "version": 62}],
                       "expired_versions": [61]})");
  const auto client = make_hub_client(fake_config());
  auto hub = client->fetch_hub(HubRequest{"us", "req"});
  ASSERT_TRUE(hub.has_value()) << hub.error().detail;
  EXPECT_EQ(calls("token"), 2);
  EXPECT_EQ(calls("bundle"), 1);
  EXPECT_EQ(calls("embed"), 0);
  EXPECT_EQ(client->status().totp_version_in_use, "62 (bundle)");
}

TEST_F(HubClientHealing, RejectedConfiguredSecretHealedByBundle) {
  fake().configure(R"({"totp_secrets": [{"secret": "another-secret", "version": 62}]})");
  const auto client = make_hub_client(fake_config());
  auto hub = client->fetch_hub(HubRequest{"us", "req"});
  ASSERT_TRUE(hub.has_value()) << hub.error().detail;
  EXPECT_EQ(calls("token"), 2);
  EXPECT_EQ(calls("embed"), 0);
  EXPECT_EQ(client->status().totp_version_in_use, "62 (bundle)");
}

TEST_F(HubClientHealing, EmbedTokenWhenNoSecretWorks) {
  fake().configure(R"({"expired_versions": [61]})");
  const auto client = make_hub_client(fake_config());
  auto hub = client->fetch_hub(HubRequest{"us", "req"});
  ASSERT_TRUE(hub.has_value()) << hub.error().detail;
  EXPECT_EQ(calls("token"), 1);
  EXPECT_EQ(calls("embed"), 1);
  EXPECT_EQ(client->status().totp_version_in_use, "embed");
}

TEST_F(HubClientHealing, BundleWithoutSecretsIsNoWorkingSecret) {
  fake().configure(R"({"totp_secrets": []})");
  fake().add_fault(R"({"endpoint": "embed", "kind": "captcha", "count": -1})");
  const auto client = make_hub_client(bundle_secret_config());
  auto hub = client->fetch_hub(HubRequest{"us", "req"});
  ASSERT_TRUE(hub.has_error());
  EXPECT_EQ(hub.error().kind, Error::kNoWorkingSecret);
  EXPECT_EQ(hub.error().stage, Stage::kToken);
  EXPECT_NE(hub.error().detail.find("lists no TOTP secret"), std::string::npos)
      << hub.error().detail;
  EXPECT_EQ(calls("token"), 0);
  EXPECT_EQ(calls("pathfinder"), 0);
}

TEST_F(HubClientHealing, FailedScanWithFailedEmbedKeepsEmbedFailure) {
  fake().add_fault(R"({"endpoint": "root", "kind": "status", "status": 503, "count": -1})");
  fake().add_fault(R"({"endpoint": "embed", "kind": "status", "status": 503, "count": -1})");
  ClientConfig config = bundle_secret_config();
  config.retry_base_ms = 10;
  const auto client = make_hub_client(config);
  auto hub = client->fetch_hub(HubRequest{"us", "req"});
  ASSERT_TRUE(hub.has_error());
  // Spotify is failing, which no secret would fix.
  EXPECT_EQ(hub.error().kind, Error::kUpstreamStatus);
  EXPECT_EQ(hub.error().stage, Stage::kToken);
  EXPECT_NE(hub.error().detail.find("bundle scan failed"), std::string::npos) << hub.error().detail;
}

TEST_F(HubClientHealing, ReloadAppliesNewHashes) {
  accept_only(kDeadHash);
  ClientConfig config = fake_config();
  config.scan_bundle = false;
  const auto client = make_hub_client(config);
  ASSERT_TRUE(client->fetch_hub(HubRequest{"us", "req"}).has_error());

  config.query_hashes = {kDeadHash};
  client->reload(config);
  auto hub = client->fetch_hub(HubRequest{"us", "req"});
  ASSERT_TRUE(hub.has_value()) << hub.error().detail;
  EXPECT_EQ(client->status().known_hashes, (std::vector<std::string>{kDeadHash}));
  EXPECT_EQ(calls("token"), 1);
}

TEST_F(HubClientHealing, ReloadAppliesNewSecret) {
  ClientConfig config = fake_config();
  config.totp_secret = "wrong-secret";
  config.scan_bundle = false;
  fake().add_fault(R"({"endpoint": "embed", "kind": "status", "status": 500, "count": -1})");
  const auto client = make_hub_client(config);
  auto failed = client->fetch_hub(HubRequest{"us", "req"});
  ASSERT_TRUE(failed.has_error());
  EXPECT_EQ(failed.error().kind, Error::kNoWorkingSecret);

  config.totp_secret = kFakeSecret;
  client->reload(config);
  auto hub = client->fetch_hub(HubRequest{"us", "req"});
  ASSERT_TRUE(hub.has_value()) << hub.error().detail;
  EXPECT_EQ(client->status().totp_version_in_use, "61 (configured)");
}

TEST_F(HubClientHealing, InvalidReloadKeepsOldConfig) {
  const auto client = make_hub_client(fake_config());
  ClientConfig broken = fake_config();
  broken.max_attempts = 0;
  EXPECT_THROW(client->reload(broken), std::invalid_argument);
  ASSERT_TRUE(client->fetch_hub(HubRequest{"us", "req"}).has_value());
}

}  // namespace
}  // namespace countryhub::spotify
