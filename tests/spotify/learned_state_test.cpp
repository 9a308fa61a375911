#include "spotify/learned_state.hpp"

#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>
#include <sys/stat.h>
#include <unistd.h>
#include <vector>

#include <gtest/gtest.h>

#include "spotify/client_defaults.hpp"
#include "spotify/state_file.hpp"

namespace countryhub::spotify {
namespace {

namespace fs = std::filesystem;

const std::string kConfigured(64, 'a');
const std::string kLearned(64, 'b');
const std::string kOther(64, 'c');

// A fresh folder under the system temporary directory, removed afterwards.
class StateFolder {
 public:
  StateFolder()
      : path_(fs::temp_directory_path() /
              ("countryhub-state-" + std::to_string(::getpid()) + "-" +
               ::testing::UnitTest::GetInstance()->current_test_info()->name())) {
    fs::remove_all(path_);
  }
  ~StateFolder() { fs::remove_all(path_); }
  std::string path() const { return path_.string(); }

 private:
  fs::path path_;
};

ClientConfig config_with(std::string state_dir = "") {
  ClientConfig config;
  config.query_hashes = {kConfigured};
  config.state_dir = std::move(state_dir);
  return config;
}

TEST(LearnedState, ListsConfiguredThenLearnedHashes) {
  LearnedState state(config_with());
  EXPECT_EQ(state.absorb_hashes({kConfigured, kLearned}), 1u);
  EXPECT_EQ(state.absorb_hashes({kLearned}), 0u);
  EXPECT_EQ(state.hashes(), (std::vector<std::string>{kConfigured, kLearned}));
  EXPECT_FALSE(state.working_route().has_value());
}

TEST(LearnedState, ForgetsLearnedHashAfterRepeatedStaleFetches) {
  LearnedState state(config_with());
  state.absorb_hashes({kLearned});
  state.record_route_success({QueryForm::kV2Post, kLearned});
  for (int fetch = 1; fetch < kStaleFetchesBeforeEviction; ++fetch) {
    state.record_stale_hashes({kLearned, kConfigured});
  }
  EXPECT_EQ(state.hashes().size(), 2u) << "one stale answer must not evict a working hash";
  state.record_stale_hashes({kLearned, kConfigured});
  EXPECT_EQ(state.hashes(), (std::vector<std::string>{kConfigured}));
  EXPECT_FALSE(state.working_route().has_value());
}

TEST(LearnedState, SuccessResetsStaleCount) {
  LearnedState state(config_with());
  state.absorb_hashes({kLearned});
  for (int round = 0; round < 3; ++round) {
    for (int fetch = 1; fetch < kStaleFetchesBeforeEviction; ++fetch) {
      state.record_stale_hashes({kLearned});
    }
    state.record_route_success({QueryForm::kV2Post, kLearned});
  }
  EXPECT_EQ(state.hashes().size(), 2u);
}

TEST(LearnedState, PersistsAndReloadsState) {
  StateFolder folder;
  prepare_state_dir(folder.path());
  {
    LearnedState state(config_with(folder.path()));
    state.absorb_hashes({kLearned, kOther});
    state.record_route_success({QueryForm::kV1Get, kLearned});
    state.absorb_secrets({{"newest", 62}, {"older", 61}});
    state.record_secret_success({{"newest", 62}, SecretOrigin::kBundle});
  }
  const std::string file = folder.path() + "/" + kStateFileName;
  struct stat info {};
  ASSERT_EQ(::stat(file.c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0600);

  LearnedState reloaded(config_with(folder.path()));
  EXPECT_EQ(reloaded.hashes(), (std::vector<std::string>{kConfigured, kLearned, kOther}));
  ASSERT_TRUE(reloaded.working_route().has_value());
  EXPECT_EQ(reloaded.working_route()->hash, kLearned);
  const auto candidates = reloaded.secret_candidates(std::chrono::steady_clock::now());
  ASSERT_EQ(candidates.size(), 1u);
  EXPECT_EQ(candidates[0].secret, (TotpSecret{"newest", 62}));
  EXPECT_EQ(candidates[0].origin, SecretOrigin::kBundle);
}

TEST(LearnedState, IgnoresInvalidStateFile) {
  StateFolder folder;
  prepare_state_dir(folder.path());
  std::ofstream(folder.path() + "/" + kStateFileName) << "{\"format\": 1, \"learned_hashes\": [";
  LearnedState state(config_with(folder.path()));
  EXPECT_EQ(state.hashes(), (std::vector<std::string>{kConfigured}));
}

TEST(LearnedState, ConfiguredSecretFirstThenBundleNewestFirst) {
  ClientConfig config = config_with();
  config.totp_secret = "mine";
  config.totp_version = 61;
  LearnedState state(config);
  state.absorb_secrets({{"b62", 62}, {"mine", 61}, {"b60", 60}});
  const auto now = std::chrono::steady_clock::now();
  const auto candidates = state.secret_candidates(now);
  ASSERT_EQ(candidates.size(), 3u);
  EXPECT_EQ(describe_secret(candidates[0]), "61 (configured)");
  EXPECT_EQ(describe_secret(candidates[1]), "62 (bundle)");
  EXPECT_EQ(describe_secret(candidates[2]), "60 (bundle)");
}

TEST(LearnedState, RejectedSecretPausedThenRetried) {
  LearnedState state(config_with());
  state.absorb_secrets({{"b62", 62}, {"b61", 61}});
  const auto now = std::chrono::steady_clock::now();
  state.record_secret_rejected({{"b62", 62}, SecretOrigin::kBundle}, now);
  auto candidates = state.secret_candidates(now);
  ASSERT_EQ(candidates.size(), 1u);
  EXPECT_EQ(candidates[0].secret.version, 61);
  candidates = state.secret_candidates(now + std::chrono::milliseconds(kRejectedSecretPauseMs));
  EXPECT_EQ(candidates.size(), 2u);
}

TEST(LearnedState, ReloadForgetsRejections) {
  ClientConfig config = config_with();
  config.totp_secret = "mine";
  config.totp_version = 61;
  LearnedState state(config);
  const auto now = std::chrono::steady_clock::now();
  state.record_secret_rejected({{"mine", 61}, SecretOrigin::kConfigured}, now);
  EXPECT_TRUE(state.secret_candidates(now).empty());
  state.configure(config);
  EXPECT_EQ(state.secret_candidates(now).size(), 1u);
}

TEST(LearnedState, ReportsSecretInUse) {
  LearnedState state(config_with());
  EXPECT_EQ(state.secret_in_use(), "none");
  state.record_secret_success({{"x", 61}, SecretOrigin::kConfigured});
  EXPECT_EQ(state.secret_in_use(), "61 (configured)");
  state.record_embed_token();
  EXPECT_EQ(state.secret_in_use(), "embed");
}

}  // namespace
}  // namespace countryhub::spotify
