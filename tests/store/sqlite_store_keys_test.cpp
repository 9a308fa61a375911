#include <cstdint>
#include <filesystem>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "store/sqlite_store.hpp"

namespace countryhub::store {
namespace {

class SqliteStoreKeysTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::random_device random;
    dir_ = std::filesystem::temp_directory_path() /
           ("countryhub-keys-" + std::to_string(random()) + std::to_string(random()));
    ASSERT_TRUE(std::filesystem::create_directory(dir_));
    auto opened = open_sqlite_store((dir_ / "countryhub.db").string());
    ASSERT_TRUE(opened) << opened.error().detail;
    store_ = std::move(*opened);
    auto account = store_->create_account("keys@example.com", "pro", false, 1);
    ASSERT_TRUE(account) << account.error().detail;
    account_id_ = account->id;
  }

  void TearDown() override {
    store_.reset();
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }

  // Returns a key record whose hash and prefix are derived from `tag`.
  KeyRecord key_of(std::int64_t account_id, char tag) const {
    KeyRecord key;
    key.account_id = account_id;
    key.key_hash = std::string(64, tag);
    key.display_prefix = std::string("chub_") + std::string(7, tag);
    key.created_at_ms = 1000;
    return key;
  }

  // Inserts a key and fails the test when the store rejects it.
  KeyRecord insert(char tag, bool make_active) {
    auto stored = store_->insert_key(key_of(account_id_, tag), make_active);
    EXPECT_TRUE(stored) << stored.error().detail;
    return stored ? *stored : KeyRecord{};
  }

  KeyRecord find(std::int64_t id) {
    auto found = store_->find_key_by_id(id);
    EXPECT_TRUE(found) << found.error().detail;
    return found ? *found : KeyRecord{};
  }

  std::filesystem::path dir_;
  std::unique_ptr<Store> store_;
  std::int64_t account_id_ = 0;
};

TEST_F(SqliteStoreKeysTest, InsertedKeyIsFoundByHash) {
  KeyRecord key = key_of(account_id_, 'a');
  key.created_at_ms = 7000;
  key.expires_at_ms = 9000;
  auto stored = store_->insert_key(key, false);
  ASSERT_TRUE(stored) << stored.error().detail;
  EXPECT_GT(stored->id, 0);

  auto found = store_->find_key_by_hash(std::string(64, 'a'));
  ASSERT_TRUE(found) << found.error().detail;
  EXPECT_EQ(found->id, stored->id);
  EXPECT_EQ(found->account_id, account_id_);
  EXPECT_EQ(found->display_prefix, "chub_aaaaaaa");
  EXPECT_EQ(found->created_at_ms, 7000);
  EXPECT_EQ(found->expires_at_ms, 9000);
  EXPECT_EQ(found->revoked_at_ms, std::nullopt);
  EXPECT_FALSE(found->is_active);
}

TEST_F(SqliteStoreKeysTest, UnknownHashAndIdAreNotFound) {
  insert('a', true);

  auto by_hash = store_->find_key_by_hash(std::string(64, 'b'));
  ASSERT_FALSE(by_hash);
  EXPECT_EQ(by_hash.error().kind, Error::kNotFound);

  auto by_id = store_->find_key_by_id(777);
  ASSERT_FALSE(by_id);
  EXPECT_EQ(by_id.error().kind, Error::kNotFound);
}

TEST_F(SqliteStoreKeysTest, DuplicateHashIsConflict) {
  insert('a', true);

  auto again = store_->insert_key(key_of(account_id_, 'a'), false);
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().kind, Error::kConflict);
}

TEST_F(SqliteStoreKeysTest, KeyOfMissingAccountIsRejected) {
  auto stored = store_->insert_key(key_of(account_id_ + 100, 'z'), true);
  EXPECT_FALSE(stored);
}

TEST_F(SqliteStoreKeysTest, MakeActiveLeavesOneActiveKey) {
  const KeyRecord first = insert('a', true);
  const KeyRecord second = insert('b', true);
  const KeyRecord third = insert('c', false);

  EXPECT_FALSE(find(first.id).is_active);
  EXPECT_TRUE(find(second.id).is_active);
  EXPECT_FALSE(find(third.id).is_active);
}

TEST_F(SqliteStoreKeysTest, MakeActiveKeepsOtherAccountsActiveKey) {
  auto other = store_->create_account("other@example.com", "free", false, 1);
  ASSERT_TRUE(other) << other.error().detail;
  auto others_key = store_->insert_key(key_of(other->id, 'o'), true);
  ASSERT_TRUE(others_key) << others_key.error().detail;

  insert('a', true);

  EXPECT_TRUE(find(others_key->id).is_active);
}

TEST_F(SqliteStoreKeysTest, ListsOnlyTheAccountsKeysInIdOrder) {
  auto other = store_->create_account("other@example.com", "free", false, 1);
  ASSERT_TRUE(other) << other.error().detail;
  const KeyRecord first = insert('a', true);
  ASSERT_TRUE(store_->insert_key(key_of(other->id, 'o'), true));
  const KeyRecord second = insert('b', false);

  auto keys = store_->list_keys(account_id_);
  ASSERT_TRUE(keys) << keys.error().detail;
  ASSERT_EQ(keys->size(), 2u);
  EXPECT_EQ((*keys)[0].id, first.id);
  EXPECT_EQ((*keys)[1].id, second.id);
  EXPECT_EQ((*keys)[1].key_hash, std::string(64, 'b'));

  auto none = store_->list_keys(account_id_ + 100);
  ASSERT_TRUE(none) << none.error().detail;
  EXPECT_TRUE(none->empty());
}

TEST_F(SqliteStoreKeysTest, RevokeSetsTimeAndDeactivates) {
  const KeyRecord key = insert('a', true);

  ASSERT_TRUE(store_->revoke_key(key.id, 5000));

  const KeyRecord revoked = find(key.id);
  EXPECT_EQ(revoked.revoked_at_ms, 5000);
  EXPECT_FALSE(revoked.is_active);
}

TEST_F(SqliteStoreKeysTest, SecondRevokeKeepsFirstTime) {
  const KeyRecord key = insert('a', true);
  ASSERT_TRUE(store_->revoke_key(key.id, 5000));

  auto again = store_->revoke_key(key.id, 8000);
  EXPECT_TRUE(again) << again.error().detail;
  EXPECT_EQ(find(key.id).revoked_at_ms, 5000);
}

TEST_F(SqliteStoreKeysTest, RevokeOfMissingKeyIsNotFound) {
  auto revoked = store_->revoke_key(31337, 5000);
  ASSERT_FALSE(revoked);
  EXPECT_EQ(revoked.error().kind, Error::kNotFound);
}

TEST_F(SqliteStoreKeysTest, RotateWithFutureExpiryKeepsOldKeyUsable) {
  const KeyRecord old_key = insert('a', true);

  auto replacement = store_->rotate_key(old_key.id, key_of(account_id_, 'b'), 70'000, 10'000);
  ASSERT_TRUE(replacement) << replacement.error().detail;
  EXPECT_GT(replacement->id, old_key.id);
  EXPECT_TRUE(replacement->is_active);

  const KeyRecord old_after = find(old_key.id);
  EXPECT_FALSE(old_after.is_active);
  EXPECT_EQ(old_after.expires_at_ms, 70'000);
  EXPECT_EQ(old_after.revoked_at_ms, std::nullopt);
  EXPECT_EQ(old_after.key_hash, old_key.key_hash);

  const KeyRecord new_after = find(replacement->id);
  EXPECT_TRUE(new_after.is_active);
  EXPECT_EQ(new_after.key_hash, std::string(64, 'b'));
  EXPECT_EQ(new_after.expires_at_ms, std::nullopt);
}

TEST_F(SqliteStoreKeysTest, RotateWithExpiryAtNowRevokesAtOnce) {
  const KeyRecord old_key = insert('a', true);

  ASSERT_TRUE(store_->rotate_key(old_key.id, key_of(account_id_, 'b'), 10'000, 10'000));

  const KeyRecord old_after = find(old_key.id);
  EXPECT_EQ(old_after.revoked_at_ms, 10'000);
  EXPECT_EQ(old_after.expires_at_ms, 10'000);
  EXPECT_FALSE(old_after.is_active);
}

TEST_F(SqliteStoreKeysTest, RotateWithPastExpiryRevokesAtNow) {
  const KeyRecord old_key = insert('a', true);

  ASSERT_TRUE(store_->rotate_key(old_key.id, key_of(account_id_, 'b'), 4'000, 10'000));

  EXPECT_EQ(find(old_key.id).revoked_at_ms, 10'000);
}

TEST_F(SqliteStoreKeysTest, RotateOfMissingKeyInsertsNothing) {
  insert('a', true);

  auto rotated = store_->rotate_key(404, key_of(account_id_, 'b'), 70'000, 10'000);
  ASSERT_FALSE(rotated);
  EXPECT_EQ(rotated.error().kind, Error::kNotFound);

  auto keys = store_->list_keys(account_id_);
  ASSERT_TRUE(keys) << keys.error().detail;
  EXPECT_EQ(keys->size(), 1u);
  EXPECT_FALSE(store_->find_key_by_hash(std::string(64, 'b')));
}

TEST_F(SqliteStoreKeysTest, FailedRotateRollsBackOldKey) {
  const KeyRecord old_key = insert('a', true);
  insert('b', false);

  // The replacement reuses an existing hash, so its insert fails after the
  // old key was already changed inside the transaction.
  auto rotated = store_->rotate_key(old_key.id, key_of(account_id_, 'b'), 70'000, 10'000);
  ASSERT_FALSE(rotated);
  EXPECT_EQ(rotated.error().kind, Error::kConflict);

  const KeyRecord old_after = find(old_key.id);
  EXPECT_TRUE(old_after.is_active);
  EXPECT_EQ(old_after.expires_at_ms, std::nullopt);
  EXPECT_EQ(old_after.revoked_at_ms, std::nullopt);
}

TEST_F(SqliteStoreKeysTest, StoreStaysUsableAfterFailedRotate) {
  const KeyRecord old_key = insert('a', true);
  insert('b', false);
  ASSERT_FALSE(store_->rotate_key(old_key.id, key_of(account_id_, 'b'), 70'000, 10'000));

  auto rotated = store_->rotate_key(old_key.id, key_of(account_id_, 'c'), 70'000, 10'000);
  ASSERT_TRUE(rotated) << rotated.error().detail;
  EXPECT_TRUE(find(rotated->id).is_active);
  EXPECT_FALSE(find(old_key.id).is_active);
}

TEST_F(SqliteStoreKeysTest, EveryCredentialChangeBumpsTheVersion) {
  std::int64_t last = store_->credentials_version().value();
  const auto expect_bumped = [&](const char* change) {
    const std::int64_t now = store_->credentials_version().value();
    EXPECT_GT(now, last) << change;
    last = now;
  };
  const KeyRecord key = insert('a', true);
  expect_bumped("insert_key");
  ASSERT_TRUE(store_->rotate_key(key.id, key_of(account_id_, 'b'), 70'000, 10'000));
  expect_bumped("rotate_key");
  ASSERT_TRUE(store_->revoke_key(key.id, 20'000));
  expect_bumped("revoke_key");
  auto account = store_->find_account_by_id(account_id_);
  ASSERT_TRUE(account);
  account->plan = "growth";
  ASSERT_TRUE(store_->update_account(*account));
  expect_bumped("update_account");
  ASSERT_TRUE(store_->create_account("other@example.com", "free", false, 1));
  expect_bumped("create_account");
}

TEST_F(SqliteStoreKeysTest, ChargesLeaveTheVersionAlone) {
  const std::int64_t before = store_->credentials_version().value();
  ChargeRequest charge;
  charge.account_id = account_id_;
  charge.credits = 3;
  charge.day = "2026-05-01";
  charge.month = "2026-05";
  ASSERT_TRUE(store_->charge(charge));

  EXPECT_EQ(store_->credentials_version().value(), before);
}

TEST_F(SqliteStoreKeysTest, OtherConnectionsSeeTheNewVersion) {
  auto other = open_sqlite_store((dir_ / "countryhub.db").string());
  ASSERT_TRUE(other);
  const std::int64_t before = (*other)->credentials_version().value();

  insert('a', true);

  EXPECT_GT((*other)->credentials_version().value(), before);
}

}  // namespace
}  // namespace countryhub::store
