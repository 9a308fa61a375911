#include "billing/accounts.hpp"

#include <cstdint>
#include <filesystem>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "billing/api_key.hpp"
#include "store/sqlite_store.hpp"

namespace countryhub::billing {
namespace {

// 2026-03-10T12:00:00Z.
constexpr std::int64_t kStartMs = 1'773'144'000'000;
constexpr char kEmail[] = "owner@example.com";

class AccountManagerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::random_device random;
    dir_ = std::filesystem::temp_directory_path() /
           ("countryhub-manager-" + std::to_string(random()) + std::to_string(random()));
    ASSERT_TRUE(std::filesystem::create_directory(dir_));
    auto opened = store::open_sqlite_store((dir_ / "countryhub.db").string());
    ASSERT_TRUE(opened) << opened.error().detail;
    store_ = std::move(*opened);
    manager_ = std::make_unique<AccountManager>(*store_, [this] { return now_ms_; });
  }

  void TearDown() override {
    manager_.reset();
    store_.reset();
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }

  // Creates the fixture's account with `key_count` keys, the last one active.
  std::vector<IssuedKey> account_with_keys(int key_count) {
    auto account = manager_->create_account(kEmail, "growth", false);
    EXPECT_TRUE(account) << account.error().message;
    std::vector<IssuedKey> keys;
    for (int i = 0; i < key_count; ++i) {
      auto issued = manager_->create_key(kEmail);
      EXPECT_TRUE(issued) << issued.error().message;
      if (issued) {
        keys.push_back(*issued);
      }
    }
    return keys;
  }

  store::KeyRecord stored_key(std::int64_t id) {
    auto key = store_->find_key_by_id(id);
    EXPECT_TRUE(key) << key.error().detail;
    return key ? *key : store::KeyRecord{};
  }

  std::filesystem::path dir_;
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<AccountManager> manager_;
  std::int64_t now_ms_ = kStartMs;
};

TEST_F(AccountManagerTest, CreatesAccountWithLowerCaseEmailAndPlan) {
  auto created = manager_->create_account("Ada@Example.COM", "PRO", true);
  ASSERT_TRUE(created) << created.error().message;
  EXPECT_EQ(created->email, "ada@example.com");
  EXPECT_EQ(created->plan, "pro");
  EXPECT_TRUE(created->has_overage);
  EXPECT_FALSE(created->is_disabled);
  EXPECT_EQ(created->created_at_ms, kStartMs);

  auto found = manager_->find_account("ADA@example.com");
  ASSERT_TRUE(found) << found.error().message;
  EXPECT_EQ(found->id, created->id);
}

TEST_F(AccountManagerTest, RejectsBadEmail) {
  for (const char* email :
       {"", "no-at-sign", "@example.com", "ada@", "a@b@c", "ada @example.com"}) {
    auto created = manager_->create_account(email, "free", false);
    ASSERT_FALSE(created) << email;
    EXPECT_EQ(created.error().kind, Error::kInvalidArgument) << email;
  }
  EXPECT_FALSE(store_->find_account_by_id(1));
}

TEST_F(AccountManagerTest, RejectsUnknownPlan) {
  auto created = manager_->create_account(kEmail, "platinum", false);
  ASSERT_FALSE(created);
  EXPECT_EQ(created.error().kind, Error::kInvalidArgument);
  EXPECT_NE(created.error().message.find("free, starter, growth, pro, business, enterprise"),
            std::string::npos)
      << created.error().message;
  EXPECT_FALSE(store_->find_account(kEmail));
}

TEST_F(AccountManagerTest, RejectsDuplicateEmailInAnyCase) {
  ASSERT_TRUE(manager_->create_account(kEmail, "free", false));

  auto again = manager_->create_account("OWNER@Example.com", "pro", false);
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().kind, Error::kAlreadyExists);
}

TEST_F(AccountManagerTest, UnknownAccountIsReported) {
  auto found = manager_->find_account("nobody@example.com");
  ASSERT_FALSE(found);
  EXPECT_EQ(found.error().kind, Error::kUnknownAccount);

  auto updated = manager_->update_account("nobody@example.com", AccountChange{});
  ASSERT_FALSE(updated);
  EXPECT_EQ(updated.error().kind, Error::kUnknownAccount);

  auto issued = manager_->create_key("nobody@example.com");
  ASSERT_FALSE(issued);
  EXPECT_EQ(issued.error().kind, Error::kUnknownAccount);
}

TEST_F(AccountManagerTest, UpdatesOnlyTheGivenFields) {
  ASSERT_TRUE(manager_->create_account(kEmail, "free", false));

  AccountChange plan_only;
  plan_only.plan = "Growth";
  auto upgraded = manager_->update_account(kEmail, plan_only);
  ASSERT_TRUE(upgraded) << upgraded.error().message;
  EXPECT_EQ(upgraded->plan, "growth");
  EXPECT_FALSE(upgraded->has_overage);
  EXPECT_FALSE(upgraded->is_disabled);

  AccountChange overage_only;
  overage_only.has_overage = true;
  ASSERT_TRUE(manager_->update_account(kEmail, overage_only));

  AccountChange disabled_only;
  disabled_only.is_disabled = true;
  ASSERT_TRUE(manager_->update_account(kEmail, disabled_only));

  auto stored = store_->find_account(kEmail);
  ASSERT_TRUE(stored) << stored.error().detail;
  EXPECT_EQ(stored->plan, "growth");
  EXPECT_TRUE(stored->has_overage);
  EXPECT_TRUE(stored->is_disabled);
}

TEST_F(AccountManagerTest, UpdateRejectsUnknownPlan) {
  ASSERT_TRUE(manager_->create_account(kEmail, "starter", false));
  AccountChange change;
  change.plan = "gold";
  change.has_overage = true;

  auto updated = manager_->update_account(kEmail, change);
  ASSERT_FALSE(updated);
  EXPECT_EQ(updated.error().kind, Error::kInvalidArgument);

  auto stored = store_->find_account(kEmail);
  ASSERT_TRUE(stored) << stored.error().detail;
  EXPECT_EQ(stored->plan, "starter");
  EXPECT_FALSE(stored->has_overage);
}

TEST_F(AccountManagerTest, NewKeyBecomesActive) {
  const auto keys = account_with_keys(2);
  ASSERT_EQ(keys.size(), 2u);

  EXPECT_TRUE(is_well_formed_key(keys[1].key));
  EXPECT_EQ(keys[1].record.key_hash, hash_key(keys[1].key));
  EXPECT_EQ(keys[1].record.display_prefix, keys[1].key.substr(0, 12));
  EXPECT_EQ(keys[1].record.created_at_ms, kStartMs);
  EXPECT_TRUE(keys[1].record.is_active);
  EXPECT_FALSE(stored_key(keys[0].record.id).is_active);
  EXPECT_TRUE(stored_key(keys[1].record.id).is_active);
}

TEST_F(AccountManagerTest, ListsKeysWithoutSecrets) {
  const auto keys = account_with_keys(2);
  ASSERT_EQ(keys.size(), 2u);

  auto listed = manager_->list_keys(kEmail);
  ASSERT_TRUE(listed) << listed.error().message;
  ASSERT_EQ(listed->size(), 2u);
  EXPECT_EQ((*listed)[0].id, keys[0].record.id);
  EXPECT_EQ((*listed)[1].display_prefix, keys[1].record.display_prefix);
  EXPECT_NE((*listed)[1].key_hash, keys[1].key);
}

TEST_F(AccountManagerTest, RevokesKeyById) {
  const auto keys = account_with_keys(2);
  ASSERT_EQ(keys.size(), 2u);

  auto revoked = manager_->revoke_key(kEmail, std::to_string(keys[0].record.id));
  ASSERT_TRUE(revoked) << revoked.error().message;
  EXPECT_EQ(revoked->id, keys[0].record.id);
  EXPECT_EQ(revoked->revoked_at_ms, kStartMs);
  EXPECT_EQ(stored_key(keys[0].record.id).revoked_at_ms, kStartMs);
  EXPECT_EQ(stored_key(keys[1].record.id).revoked_at_ms, std::nullopt);
}

TEST_F(AccountManagerTest, RevokesKeyByDisplayPrefix) {
  const auto keys = account_with_keys(2);
  ASSERT_EQ(keys.size(), 2u);

  auto revoked = manager_->revoke_key(kEmail, keys[1].record.display_prefix);
  ASSERT_TRUE(revoked) << revoked.error().message;
  EXPECT_EQ(revoked->id, keys[1].record.id);
  EXPECT_FALSE(revoked->is_active);

  const store::KeyRecord stored = stored_key(keys[1].record.id);
  EXPECT_EQ(stored.revoked_at_ms, kStartMs);
  EXPECT_FALSE(stored.is_active);
}

TEST_F(AccountManagerTest, RevokeOfUnknownKeyIsReported) {
  const auto keys = account_with_keys(1);
  ASSERT_EQ(keys.size(), 1u);

  // Only a key's id or display prefix names it, never the whole key.
  for (const std::string& ref : {std::string("9999"), std::string("chub_nothere"), keys[0].key}) {
    auto revoked = manager_->revoke_key(kEmail, ref);
    ASSERT_FALSE(revoked) << ref;
    EXPECT_EQ(revoked.error().kind, Error::kUnknownKey) << ref;
  }
}

TEST_F(AccountManagerTest, KeysOfOtherAccountsAreOutOfReach) {
  ASSERT_TRUE(manager_->create_account("other@example.com", "free", false));
  auto others_key = manager_->create_key("other@example.com");
  ASSERT_TRUE(others_key) << others_key.error().message;
  account_with_keys(1);

  for (const std::string& ref :
       {std::to_string(others_key->record.id), others_key->record.display_prefix}) {
    auto revoked = manager_->revoke_key(kEmail, ref);
    ASSERT_FALSE(revoked) << ref;
    EXPECT_EQ(revoked.error().kind, Error::kUnknownKey) << ref;
  }
  EXPECT_EQ(stored_key(others_key->record.id).revoked_at_ms, std::nullopt);
}

TEST_F(AccountManagerTest, RotatesActiveKeyByDefault) {
  const auto keys = account_with_keys(2);
  ASSERT_EQ(keys.size(), 2u);
  now_ms_ = kStartMs + 5'000;

  auto rotated = manager_->rotate_key(kEmail, "", 3600);
  ASSERT_TRUE(rotated) << rotated.error().message;
  EXPECT_TRUE(is_well_formed_key(rotated->key));
  EXPECT_TRUE(rotated->record.is_active);
  EXPECT_EQ(rotated->record.created_at_ms, kStartMs + 5'000);

  const store::KeyRecord old_key = stored_key(keys[1].record.id);
  EXPECT_FALSE(old_key.is_active);
  EXPECT_EQ(old_key.expires_at_ms, kStartMs + 5'000 + 3'600'000);
  EXPECT_EQ(old_key.revoked_at_ms, std::nullopt);
  const store::KeyRecord untouched = stored_key(keys[0].record.id);
  EXPECT_EQ(untouched.expires_at_ms, std::nullopt);
  EXPECT_EQ(untouched.revoked_at_ms, std::nullopt);
}

TEST_F(AccountManagerTest, RotatesKeyNamedByPrefix) {
  const auto keys = account_with_keys(2);
  ASSERT_EQ(keys.size(), 2u);

  auto rotated = manager_->rotate_key(kEmail, keys[0].record.display_prefix, 60);
  ASSERT_TRUE(rotated) << rotated.error().message;

  EXPECT_EQ(stored_key(keys[0].record.id).expires_at_ms, kStartMs + 60'000);
  EXPECT_FALSE(stored_key(keys[1].record.id).is_active);
  EXPECT_TRUE(stored_key(rotated->record.id).is_active);
}

TEST_F(AccountManagerTest, RotateWithZeroGraceRevokesNow) {
  const auto keys = account_with_keys(1);
  ASSERT_EQ(keys.size(), 1u);

  ASSERT_TRUE(manager_->rotate_key(kEmail, "", 0));

  EXPECT_EQ(stored_key(keys[0].record.id).revoked_at_ms, kStartMs);
}

TEST_F(AccountManagerTest, RotateWithoutActiveKeyIsReported) {
  const auto keys = account_with_keys(1);
  ASSERT_EQ(keys.size(), 1u);
  ASSERT_TRUE(manager_->revoke_key(kEmail, ""));

  auto rotated = manager_->rotate_key(kEmail, "", 60);
  ASSERT_FALSE(rotated);
  EXPECT_EQ(rotated.error().kind, Error::kUnknownKey);
}

TEST_F(AccountManagerTest, ExpiredKeyCannotBeRotatedBackToLife) {
  const auto keys = account_with_keys(1);
  ASSERT_EQ(keys.size(), 1u);
  ASSERT_TRUE(manager_->rotate_key(kEmail, "", 60));
  now_ms_ = kStartMs + 61'000;

  auto again = manager_->rotate_key(kEmail, keys[0].record.display_prefix, 3600);

  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().kind, Error::kInvalidArgument);
  EXPECT_EQ(stored_key(keys[0].record.id).expires_at_ms, kStartMs + 60'000);
}

TEST_F(AccountManagerTest, SecondRotationNeverExtendsTheGrace) {
  const auto keys = account_with_keys(1);
  ASSERT_EQ(keys.size(), 1u);
  ASSERT_TRUE(manager_->rotate_key(kEmail, "", 60));

  ASSERT_TRUE(manager_->rotate_key(kEmail, keys[0].record.display_prefix, 3600));
  EXPECT_EQ(stored_key(keys[0].record.id).expires_at_ms, kStartMs + 60'000);
  ASSERT_TRUE(manager_->rotate_key(kEmail, keys[0].record.display_prefix, 10));
  EXPECT_EQ(stored_key(keys[0].record.id).expires_at_ms, kStartMs + 10'000);
}

}  // namespace
}  // namespace countryhub::billing
