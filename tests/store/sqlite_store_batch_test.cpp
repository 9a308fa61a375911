// Batches of charges, and how commits reach the disk.
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>
#include <sqlite3.h>

#include "store/sqlite_store.hpp"

namespace countryhub::store {
namespace {

ChargeRequest charge_of(std::int64_t account_id, std::int64_t credits, const std::string& day,
                        std::int64_t max_month_credits, std::int64_t max_day_credits = -1) {
  ChargeRequest request;
  request.account_id = account_id;
  request.credits = credits;
  request.day = day;
  request.month = day.substr(0, 7);
  request.max_month_credits = max_month_credits;
  request.max_day_credits = max_day_credits;
  return request;
}

class SqliteStoreBatchTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::random_device random;
    dir_ = std::filesystem::temp_directory_path() /
           ("countryhub-batch-" + std::to_string(random()) + std::to_string(random()));
    ASSERT_TRUE(std::filesystem::create_directory(dir_));
  }

  void TearDown() override {
    store_.reset();
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }

  void open(StoreOptions options) {
    auto opened = open_sqlite_store(db_path(), options);
    ASSERT_TRUE(opened) << opened.error().detail;
    store_ = std::move(*opened);
    for (const char* email : {"a@example.com", "b@example.com"}) {
      auto account = store_->create_account(email, "free", false, 1);
      ASSERT_TRUE(account) << account.error().detail;
      account_ids_.push_back(account->id);
    }
  }

  std::string db_path() const { return (dir_ / "countryhub.db").string(); }

  std::filesystem::path dir_;
  std::unique_ptr<Store> store_;
  std::vector<std::int64_t> account_ids_;
};

TEST_F(SqliteStoreBatchTest, BatchAppliesCeilingsInOrder) {
  open(StoreOptions{});
  const std::int64_t a = account_ids_[0];
  const std::int64_t b = account_ids_[1];
  // Account a may reach 9 credits in May and 6 on one day.
  const std::vector<ChargeRequest> batch = {
      charge_of(a, 3, "2026-05-01", 9, 6), charge_of(b, 3, "2026-05-01", 3),
      charge_of(a, 3, "2026-05-01", 9, 6), charge_of(a, 3, "2026-05-01", 9, 6),
      charge_of(b, 3, "2026-05-01", 3),    charge_of(a, 3, "2026-05-02", 9, 6),
      charge_of(a, 3, "2026-05-02", 9, 6)};

  auto outcomes = store_->charge_batch(batch);

  ASSERT_TRUE(outcomes) << outcomes.error().detail;
  const std::vector<ChargeOutcome> expected = {
      ChargeOutcome::kCharged,        ChargeOutcome::kCharged,        ChargeOutcome::kCharged,
      ChargeOutcome::kOverDayLimit,   ChargeOutcome::kOverMonthLimit, ChargeOutcome::kCharged,
      ChargeOutcome::kOverMonthLimit};
  EXPECT_EQ(*outcomes, expected);
  auto days = store_->daily_usage(a, "2026-05");
  ASSERT_TRUE(days);
  ASSERT_EQ(days->size(), 2u);
  EXPECT_EQ((*days)[0].credits, 6);
  EXPECT_EQ((*days)[0].requests, 2);
  EXPECT_EQ((*days)[1].credits, 3);
  EXPECT_EQ((*days)[1].requests, 1);
  EXPECT_EQ(store_->month_credits(b, "2026-05").value(), 3);
}

TEST_F(SqliteStoreBatchTest, BatchSeesEarlierBatches) {
  open(StoreOptions{});
  const std::int64_t a = account_ids_[0];
  ASSERT_TRUE(store_->charge(charge_of(a, 6, "2026-05-01", 9)));

  auto outcomes = store_->charge_batch(std::vector<ChargeRequest>{
      charge_of(a, 3, "2026-05-02", 9), charge_of(a, 3, "2026-05-02", 9)});

  ASSERT_TRUE(outcomes);
  EXPECT_EQ((*outcomes)[0], ChargeOutcome::kCharged);
  EXPECT_EQ((*outcomes)[1], ChargeOutcome::kOverMonthLimit);
}

// Returns the credits recorded in the database file itself, ignoring the
// WAL (immutable=1), so only what a checkpoint has copied there counts.
std::int64_t credits_in_database_file(const std::string& path) {
  sqlite3* db = nullptr;
  const std::string uri = "file:" + path + "?immutable=1";
  EXPECT_EQ(sqlite3_open_v2(uri.c_str(), &db, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI, nullptr),
            SQLITE_OK);
  sqlite3_stmt* select = nullptr;
  std::int64_t credits = 0;
  // Before the first checkpoint the file may not hold the table yet.
  if (sqlite3_prepare_v2(db, "SELECT COALESCE(SUM(credits), 0) FROM usage_daily", -1, &select,
                         nullptr) == SQLITE_OK &&
      sqlite3_step(select) == SQLITE_ROW) {
    credits = sqlite3_column_int64(select, 0);
  }
  sqlite3_finalize(select);
  sqlite3_close_v2(db);
  return credits;
}

TEST_F(SqliteStoreBatchTest, BackgroundCheckpointCopiesCommitsIntoTheDatabase) {
  open(StoreOptions{std::chrono::milliseconds(50)});
  ASSERT_TRUE(store_->charge(charge_of(account_ids_[0], 3, "2026-05-01", -1)));

  std::int64_t credits = 0;
  for (int attempt = 0; attempt < 250 && credits == 0; ++attempt) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    credits = credits_in_database_file(db_path());
  }
  EXPECT_EQ(credits, 3);
}

TEST_F(SqliteStoreBatchTest, CommitsAreVisibleToOtherConnectionsAtOnce) {
  open(StoreOptions{std::chrono::milliseconds(60000)});
  ASSERT_EQ(credits_in_database_file(db_path()), 0);
  auto other = open_sqlite_store(db_path());
  ASSERT_TRUE(other);

  ASSERT_TRUE(store_->charge(charge_of(account_ids_[0], 3, "2026-05-01", -1)));

  EXPECT_EQ((*other)->month_credits(account_ids_[0], "2026-05").value(), 3);
}

}  // namespace
}  // namespace countryhub::store
