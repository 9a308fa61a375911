#include <filesystem>
#include <memory>
#include <random>
#include <string>

#include <gtest/gtest.h>

#include "store/sqlite_store.hpp"

namespace countryhub::store {
namespace {

class SqliteStoreAccountsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::random_device random;
    dir_ = std::filesystem::temp_directory_path() /
           ("countryhub-accounts-" + std::to_string(random()) + std::to_string(random()));
    ASSERT_TRUE(std::filesystem::create_directory(dir_));
    auto opened = open_sqlite_store((dir_ / "countryhub.db").string());
    ASSERT_TRUE(opened) << opened.error().detail;
    store_ = std::move(*opened);
  }

  void TearDown() override {
    store_.reset();
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }

  std::filesystem::path dir_;
  std::unique_ptr<Store> store_;
};

TEST_F(SqliteStoreAccountsTest, CreatesAndFindsAccount) {
  auto created = store_->create_account("ada@example.com", "starter", true, 1234);
  ASSERT_TRUE(created) << created.error().detail;
  EXPECT_GT(created->id, 0);
  EXPECT_EQ(created->email, "ada@example.com");
  EXPECT_EQ(created->plan, "starter");
  EXPECT_TRUE(created->has_overage);
  EXPECT_FALSE(created->is_disabled);
  EXPECT_EQ(created->created_at_ms, 1234);

  auto by_email = store_->find_account("ada@example.com");
  ASSERT_TRUE(by_email) << by_email.error().detail;
  EXPECT_EQ(by_email->id, created->id);
  EXPECT_EQ(by_email->plan, "starter");
  EXPECT_TRUE(by_email->has_overage);
  EXPECT_FALSE(by_email->is_disabled);
  EXPECT_EQ(by_email->created_at_ms, 1234);

  auto by_id = store_->find_account_by_id(created->id);
  ASSERT_TRUE(by_id) << by_id.error().detail;
  EXPECT_EQ(by_id->email, "ada@example.com");
}

TEST_F(SqliteStoreAccountsTest, KeepsEmailCaseAsStored) {
  auto created = store_->create_account("Ada.Lovelace@Example.COM", "free", false, 1);
  ASSERT_TRUE(created) << created.error().detail;

  auto found = store_->find_account("Ada.Lovelace@Example.COM");
  ASSERT_TRUE(found) << found.error().detail;
  EXPECT_EQ(found->email, "Ada.Lovelace@Example.COM");

  // The store compares emails byte for byte. AccountManager lower-cases
  // them before they reach it.
  auto other_case = store_->find_account("ada.lovelace@example.com");
  ASSERT_FALSE(other_case);
  EXPECT_EQ(other_case.error().kind, Error::kNotFound);
}

TEST_F(SqliteStoreAccountsTest, DuplicateEmailIsConflict) {
  ASSERT_TRUE(store_->create_account("twice@example.com", "free", false, 1));

  auto again = store_->create_account("twice@example.com", "pro", true, 2);
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().kind, Error::kConflict);

  auto stored = store_->find_account("twice@example.com");
  ASSERT_TRUE(stored) << stored.error().detail;
  EXPECT_EQ(stored->plan, "free");
  EXPECT_TRUE(store_->create_account("other@example.com", "free", false, 3));
}

TEST_F(SqliteStoreAccountsTest, GivesEachAccountItsOwnId) {
  auto first = store_->create_account("first@example.com", "free", false, 1);
  auto second = store_->create_account("second@example.com", "free", false, 1);
  ASSERT_TRUE(first) << first.error().detail;
  ASSERT_TRUE(second) << second.error().detail;
  EXPECT_NE(first->id, second->id);

  auto found = store_->find_account_by_id(second->id);
  ASSERT_TRUE(found) << found.error().detail;
  EXPECT_EQ(found->email, "second@example.com");
}

TEST_F(SqliteStoreAccountsTest, MissingAccountIsNotFound) {
  auto by_email = store_->find_account("nobody@example.com");
  ASSERT_FALSE(by_email);
  EXPECT_EQ(by_email.error().kind, Error::kNotFound);

  auto by_id = store_->find_account_by_id(4242);
  ASSERT_FALSE(by_id);
  EXPECT_EQ(by_id.error().kind, Error::kNotFound);
}

TEST_F(SqliteStoreAccountsTest, UpdatesPlanOverageAndDisabled) {
  auto created = store_->create_account("change@example.com", "free", false, 500);
  ASSERT_TRUE(created) << created.error().detail;

  AccountRecord changed = *created;
  changed.plan = "business";
  changed.has_overage = true;
  changed.is_disabled = true;
  auto updated = store_->update_account(changed);
  ASSERT_TRUE(updated) << updated.error().detail;

  auto found = store_->find_account_by_id(created->id);
  ASSERT_TRUE(found) << found.error().detail;
  EXPECT_EQ(found->plan, "business");
  EXPECT_TRUE(found->has_overage);
  EXPECT_TRUE(found->is_disabled);
  EXPECT_EQ(found->email, "change@example.com");
  EXPECT_EQ(found->created_at_ms, 500);
}

TEST_F(SqliteStoreAccountsTest, UpdateWithSameValuesSucceeds) {
  auto created = store_->create_account("same@example.com", "free", false, 1);
  ASSERT_TRUE(created) << created.error().detail;

  auto updated = store_->update_account(*created);
  EXPECT_TRUE(updated) << updated.error().detail;
}

TEST_F(SqliteStoreAccountsTest, UpdateOfMissingAccountIsNotFound) {
  AccountRecord missing;
  missing.id = 999;
  missing.email = "ghost@example.com";
  missing.plan = "pro";

  auto updated = store_->update_account(missing);
  ASSERT_FALSE(updated);
  EXPECT_EQ(updated.error().kind, Error::kNotFound);
}

}  // namespace
}  // namespace countryhub::store
