#include <cstdint>
#include <filesystem>
#include <memory>
#include <random>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <gtest/gtest.h>

#include "billing/access.hpp"
#include "billing/accounts.hpp"
#include "billing/api_key.hpp"
#include "store/sqlite_store.hpp"
#include "support/forwarding_store.hpp"

namespace countryhub::billing {
namespace {

// Forwards every call to a real store, counting key lookups and failing
// them on request, to show when Access reads the store.
class ObservedStore final : public countryhub::testing::ForwardingStore {
 public:
  using ForwardingStore::ForwardingStore;

  int key_lookups = 0;
  int version_reads = 0;
  bool fail_key_lookups = false;

  store::Result<std::int64_t> credentials_version() override {
    ++version_reads;
    return ForwardingStore::credentials_version();
  }

  store::Result<store::KeyRecord> find_key_by_hash(std::string_view key_hash) override {
    ++key_lookups;
    if (fail_key_lookups) {
      return store::StoreError{store::Error::kUnavailable, "disk I/O error"};
    }
    return ForwardingStore::find_key_by_hash(key_hash);
  }
};

// 2026-03-10T12:00:00Z.
constexpr std::int64_t kStartMs = 1'773'144'000'000;

class AccessAuthTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::random_device random;
    dir_ = std::filesystem::temp_directory_path() /
           ("countryhub-auth-" + std::to_string(random()) + std::to_string(random()));
    ASSERT_TRUE(std::filesystem::create_directory(dir_));
    auto opened = store::open_sqlite_store((dir_ / "countryhub.db").string());
    ASSERT_TRUE(opened) << opened.error().detail;
    store_ = std::move(*opened);
    observed_ = std::make_unique<ObservedStore>(*store_);
    // Both read now_ms_, which a test steps forward instead of sleeping.
    const common::Clock clock = [this] { return now_ms_; };
    manager_ = std::make_unique<AccountManager>(*store_, clock);
    access_ = std::make_unique<Access>(*observed_, clock);

    ASSERT_TRUE(manager_->create_account("auth@example.com", "starter", false));
    auto issued = manager_->create_key("auth@example.com");
    ASSERT_TRUE(issued) << issued.error().message;
    key_ = issued->key;
  }

  void TearDown() override {
    access_.reset();
    manager_.reset();
    observed_.reset();
    store_.reset();
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }

  // Returns the error kind of authenticating `key`, failing the test when
  // the key is accepted.
  Error rejection_of(const std::string& key) {
    auto caller = access_->authenticate(key);
    EXPECT_FALSE(caller) << "accepted " << key;
    return caller ? Error::kStoreFailed : caller.error().kind;
  }

  std::filesystem::path dir_;
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<ObservedStore> observed_;
  std::unique_ptr<AccountManager> manager_;
  std::unique_ptr<Access> access_;
  std::int64_t now_ms_ = kStartMs;
  std::string key_;
};

TEST_F(AccessAuthTest, MissingKeyIsReported) {
  auto caller = access_->authenticate("");
  ASSERT_FALSE(caller);
  EXPECT_EQ(caller.error().kind, Error::kMissingKey);
  EXPECT_EQ(observed_->key_lookups, 0);
}

TEST_F(AccessAuthTest, MalformedKeysSkipStore) {
  std::string bad_checksum = key_;
  bad_checksum.back() = bad_checksum.back() == 'a' ? 'b' : 'a';
  const std::string cases[] = {
      "chub_short", "not-a-key", key_.substr(0, 42), key_ + "x", "Bearer " + key_, bad_checksum,
  };
  for (const std::string& key : cases) {
    EXPECT_EQ(rejection_of(key), Error::kInvalidKey) << key;
  }
  EXPECT_EQ(observed_->key_lookups, 0);
}

TEST_F(AccessAuthTest, UnknownKeyIsInvalid) {
  const std::string unknown = generate_key().key;

  EXPECT_EQ(rejection_of(unknown), Error::kInvalidKey);
  EXPECT_EQ(observed_->key_lookups, 1);
}

TEST_F(AccessAuthTest, ValidKeyReturnsCaller) {
  auto caller = access_->authenticate(key_);
  ASSERT_TRUE(caller) << caller.error().message;
  EXPECT_EQ(caller->account.email, "auth@example.com");
  EXPECT_EQ(caller->key.key_hash, hash_key(key_));
  EXPECT_EQ(caller->key.account_id, caller->account.id);
  EXPECT_EQ(caller->plan.id, "starter");
  EXPECT_EQ(caller->plan.included_credits, 20'000);
}

TEST_F(AccessAuthTest, RevokedKeyIsReported) {
  ASSERT_TRUE(manager_->revoke_key("auth@example.com", display_prefix(key_)));

  auto caller = access_->authenticate(key_);
  ASSERT_FALSE(caller);
  EXPECT_EQ(caller.error().kind, Error::kKeyRevoked);
  EXPECT_NE(caller.error().message.find(display_prefix(key_)), std::string::npos)
      << caller.error().message;
  EXPECT_EQ(caller.error().message.find(key_), std::string::npos) << caller.error().message;
}

TEST_F(AccessAuthTest, RotatedKeyWorksUntilGraceEnds) {
  auto rotated = manager_->rotate_key("auth@example.com", "", 60);
  ASSERT_TRUE(rotated) << rotated.error().message;

  EXPECT_TRUE(access_->authenticate(key_));
  now_ms_ = kStartMs + 59'999;
  EXPECT_TRUE(access_->authenticate(key_));
  EXPECT_TRUE(access_->authenticate(rotated->key));

  now_ms_ = kStartMs + 60'000;
  EXPECT_EQ(rejection_of(key_), Error::kInvalidKey);
  EXPECT_TRUE(access_->authenticate(rotated->key));
}

TEST_F(AccessAuthTest, RotationWithoutGraceRevokesAtOnce) {
  auto rotated = manager_->rotate_key("auth@example.com", "", 0);
  ASSERT_TRUE(rotated) << rotated.error().message;

  EXPECT_EQ(rejection_of(key_), Error::kKeyRevoked);
  EXPECT_TRUE(access_->authenticate(rotated->key));
}

TEST_F(AccessAuthTest, KeyRevokedDuringGraceIsRevoked) {
  ASSERT_TRUE(manager_->rotate_key("auth@example.com", "", 3600));
  now_ms_ = kStartMs + 1'000;
  ASSERT_TRUE(manager_->revoke_key("auth@example.com", display_prefix(key_)));

  EXPECT_EQ(rejection_of(key_), Error::kKeyRevoked);
}

TEST_F(AccessAuthTest, DisabledAccountIsRejected) {
  AccountChange disable;
  disable.is_disabled = true;
  ASSERT_TRUE(manager_->update_account("auth@example.com", disable));

  EXPECT_EQ(rejection_of(key_), Error::kAccountDisabled);

  AccountChange enable;
  enable.is_disabled = false;
  ASSERT_TRUE(manager_->update_account("auth@example.com", enable));
  EXPECT_TRUE(access_->authenticate(key_));
}

TEST_F(AccessAuthTest, PlanChangeTakesEffect) {
  AccountChange upgrade;
  upgrade.plan = "business";
  ASSERT_TRUE(manager_->update_account("auth@example.com", upgrade));

  auto caller = access_->authenticate(key_);
  ASSERT_TRUE(caller) << caller.error().message;
  EXPECT_EQ(caller->plan.id, "business");
}

TEST_F(AccessAuthTest, UnknownStoredPlanIsStoreFailure) {
  auto account = store_->create_account("gold@example.com", "gold", false, kStartMs);
  ASSERT_TRUE(account) << account.error().detail;
  const GeneratedKey generated = generate_key();
  store::KeyRecord record;
  record.account_id = account->id;
  record.key_hash = generated.key_hash;
  record.display_prefix = generated.display_prefix;
  record.created_at_ms = kStartMs;
  ASSERT_TRUE(store_->insert_key(record, true));

  EXPECT_EQ(rejection_of(generated.key), Error::kStoreFailed);
}

TEST_F(AccessAuthTest, StoreFailureIsReported) {
  observed_->fail_key_lookups = true;

  auto caller = access_->authenticate(key_);
  ASSERT_FALSE(caller);
  EXPECT_EQ(caller.error().kind, Error::kStoreFailed);
}

TEST_F(AccessAuthTest, InvalidKeyMessageOmitsKey) {
  const std::string unknown = generate_key().key;

  auto caller = access_->authenticate(unknown);
  ASSERT_FALSE(caller);
  EXPECT_FALSE(caller.error().message.empty());
  EXPECT_EQ(caller.error().message.find(unknown), std::string::npos) << caller.error().message;
}

TEST_F(AccessAuthTest, KnownKeyIsServedFromMemory) {
  ASSERT_TRUE(access_->authenticate(key_));
  ASSERT_TRUE(access_->authenticate(key_));
  ASSERT_TRUE(access_->authenticate(key_));

  EXPECT_EQ(observed_->key_lookups, 1);
}

TEST_F(AccessAuthTest, RemoteRevokeApplies) {
  ASSERT_TRUE(access_->authenticate(key_));
  // A second store on the same file stands for `countryhub keys revoke`.
  auto other = store::open_sqlite_store((dir_ / "countryhub.db").string());
  ASSERT_TRUE(other) << other.error().detail;
  AccountManager other_manager(**other, [this] { return now_ms_; });
  ASSERT_TRUE(other_manager.revoke_key("auth@example.com", display_prefix(key_)));

  EXPECT_EQ(rejection_of(key_), Error::kKeyRevoked);
}

TEST_F(AccessAuthTest, RemotePlanChangeApplies) {
  ASSERT_TRUE(access_->authenticate(key_));
  auto other = store::open_sqlite_store((dir_ / "countryhub.db").string());
  ASSERT_TRUE(other) << other.error().detail;
  AccountManager other_manager(**other, [this] { return now_ms_; });
  AccountChange upgrade;
  upgrade.plan = "pro";
  ASSERT_TRUE(other_manager.update_account("auth@example.com", upgrade));

  auto caller = access_->authenticate(key_);
  ASSERT_TRUE(caller) << caller.error().message;
  EXPECT_EQ(caller->plan.id, "pro");
}

TEST_F(AccessAuthTest, VersionReadServesTheReuseWindow) {
  Access reusing(*observed_, [this] { return now_ms_; }, std::chrono::hours(1));
  ASSERT_TRUE(reusing.authenticate(key_));
  const int reads_after_first = observed_->version_reads;

  ASSERT_TRUE(reusing.authenticate(key_));
  ASSERT_TRUE(reusing.authenticate(key_));

  EXPECT_EQ(reads_after_first, 1);
  EXPECT_EQ(observed_->version_reads, 1);
}

TEST_F(AccessAuthTest, NoReuseReadsVersionEveryTime) {
  ASSERT_TRUE(access_->authenticate(key_));
  ASSERT_TRUE(access_->authenticate(key_));

  EXPECT_EQ(observed_->version_reads, 2);
}

}  // namespace
}  // namespace countryhub::billing
