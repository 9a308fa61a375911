#include <atomic>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "store/sqlite_store.hpp"

namespace countryhub::store {
namespace {

constexpr int kThreads = 8;

// Returns a charge of `credits` on `day` (YYYY-MM-DD) in the day's month.
ChargeRequest charge_on(std::int64_t account_id, std::int64_t credits, const std::string& day,
                        std::int64_t max_month_credits) {
  ChargeRequest request;
  request.account_id = account_id;
  request.credits = credits;
  request.day = day;
  request.month = day.substr(0, 7);
  request.max_month_credits = max_month_credits;
  return request;
}

class SqliteStoreChargeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::random_device random;
    dir_ = std::filesystem::temp_directory_path() /
           ("countryhub-charge-" + std::to_string(random()) + std::to_string(random()));
    ASSERT_TRUE(std::filesystem::create_directory(dir_));
    auto opened = open_sqlite_store(db_path());
    ASSERT_TRUE(opened) << opened.error().detail;
    store_ = std::move(*opened);
    auto account = store_->create_account("usage@example.com", "free", false, 1);
    ASSERT_TRUE(account) << account.error().detail;
    account_id_ = account->id;
  }

  void TearDown() override {
    store_.reset();
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }

  std::string db_path() const { return (dir_ / "countryhub.db").string(); }

  // Charges `credits` to the fixture's account on `day`. The month is the
  // day's first seven characters.
  ChargeOutcome charge(std::int64_t credits, const std::string& day,
                       std::int64_t max_month_credits = -1) {
    auto outcome = store_->charge(charge_on(account_id_, credits, day, max_month_credits));
    EXPECT_TRUE(outcome) << outcome.error().detail;
    return outcome ? *outcome : ChargeOutcome::kOverMonthLimit;
  }

  std::int64_t month_credits(const std::string& month) {
    auto credits = store_->month_credits(account_id_, month);
    EXPECT_TRUE(credits) << credits.error().detail;
    return credits ? *credits : -1;
  }

  std::vector<DailyUsage> daily_usage(const std::string& month) {
    auto days = store_->daily_usage(account_id_, month);
    EXPECT_TRUE(days) << days.error().detail;
    return days ? *days : std::vector<DailyUsage>{};
  }

  std::filesystem::path dir_;
  std::unique_ptr<Store> store_;
  std::int64_t account_id_ = 0;
};

TEST_F(SqliteStoreChargeTest, AddsToDayAndMonth) {
  EXPECT_EQ(charge(3, "2026-05-10"), ChargeOutcome::kCharged);
  EXPECT_EQ(charge(3, "2026-05-10"), ChargeOutcome::kCharged);
  EXPECT_EQ(charge(5, "2026-05-11"), ChargeOutcome::kCharged);

  EXPECT_EQ(month_credits("2026-05"), 11);
  const auto days = daily_usage("2026-05");
  ASSERT_EQ(days.size(), 2u);
  EXPECT_EQ(days[0].day, "2026-05-10");
  EXPECT_EQ(days[0].credits, 6);
  EXPECT_EQ(days[0].requests, 2);
  EXPECT_EQ(days[1].day, "2026-05-11");
  EXPECT_EQ(days[1].credits, 5);
  EXPECT_EQ(days[1].requests, 1);
}

TEST_F(SqliteStoreChargeTest, AllowsExactlyTheCeiling) {
  EXPECT_EQ(charge(7, "2026-05-10", 10), ChargeOutcome::kCharged);
  EXPECT_EQ(charge(3, "2026-05-10", 10), ChargeOutcome::kCharged);
  EXPECT_EQ(month_credits("2026-05"), 10);
}

TEST_F(SqliteStoreChargeTest, RejectsOneCreditOverCeiling) {
  EXPECT_EQ(charge(7, "2026-05-10", 10), ChargeOutcome::kCharged);

  EXPECT_EQ(charge(4, "2026-05-11", 10), ChargeOutcome::kOverMonthLimit);

  EXPECT_EQ(month_credits("2026-05"), 7);
  const auto days = daily_usage("2026-05");
  ASSERT_EQ(days.size(), 1u);
  EXPECT_EQ(days[0].requests, 1);
}

TEST_F(SqliteStoreChargeTest, ZeroCeilingRejectsEveryCharge) {
  EXPECT_EQ(charge(1, "2026-05-10", 0), ChargeOutcome::kOverMonthLimit);
  EXPECT_EQ(month_credits("2026-05"), 0);
}

TEST_F(SqliteStoreChargeTest, NegativeCeilingMeansNoLimit) {
  EXPECT_EQ(charge(1'000'000, "2026-05-10", -1), ChargeOutcome::kCharged);
  EXPECT_EQ(charge(1'000'000, "2026-05-10", -1), ChargeOutcome::kCharged);
  EXPECT_EQ(month_credits("2026-05"), 2'000'000);
}

TEST_F(SqliteStoreChargeTest, CeilingCountsOnlyTheChargeMonth) {
  EXPECT_EQ(charge(10, "2026-04-30", 10), ChargeOutcome::kCharged);

  EXPECT_EQ(charge(10, "2026-05-01", 10), ChargeOutcome::kCharged);
  EXPECT_EQ(charge(1, "2026-05-01", 10), ChargeOutcome::kOverMonthLimit);
}

TEST_F(SqliteStoreChargeTest, MonthCreditsSumsDaysOfThatMonthOnly) {
  auto other = store_->create_account("other@example.com", "free", false, 1);
  ASSERT_TRUE(other) << other.error().detail;
  ASSERT_TRUE(store_->charge(charge_on(other->id, 100, "2026-02-10", -1)));
  charge(1, "2026-01-31");
  charge(2, "2026-02-01");
  charge(4, "2026-02-28");
  charge(8, "2026-03-01");

  EXPECT_EQ(month_credits("2026-01"), 1);
  EXPECT_EQ(month_credits("2026-02"), 6);
  EXPECT_EQ(month_credits("2026-03"), 8);
  EXPECT_EQ(month_credits("2026-04"), 0);
}

TEST_F(SqliteStoreChargeTest, DailyUsageIsSortedByDay) {
  charge(3, "2026-07-20");
  charge(3, "2026-07-02");
  charge(3, "2026-06-30");
  charge(3, "2026-07-20");
  charge(3, "2026-07-11");

  const auto days = daily_usage("2026-07");
  ASSERT_EQ(days.size(), 3u);
  EXPECT_EQ(days[0].day, "2026-07-02");
  EXPECT_EQ(days[1].day, "2026-07-11");
  EXPECT_EQ(days[2].day, "2026-07-20");
  EXPECT_EQ(days[2].credits, 6);
  EXPECT_EQ(days[2].requests, 2);
}

TEST_F(SqliteStoreChargeTest, DailyUsageOfQuietMonthIsEmpty) {
  charge(3, "2026-07-20");

  EXPECT_TRUE(daily_usage("2026-08").empty());
  auto others = store_->daily_usage(account_id_ + 1, "2026-07");
  ASSERT_TRUE(others) << others.error().detail;
  EXPECT_TRUE(others->empty());
}

// Counts the charges that passed when kThreads threads each try
// `attempts_per_thread` charges of `credits`, every thread through its own
// store from `store_for_thread`.
template <class StoreForThread>
int charge_concurrently(std::int64_t account_id, std::int64_t credits, std::int64_t ceiling,
                        int attempts_per_thread, StoreForThread store_for_thread) {
  std::atomic<int> charged{0};
  std::atomic<int> failed{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      Store& store = store_for_thread(t);
      for (int i = 0; i < attempts_per_thread; ++i) {
        auto outcome = store.charge(charge_on(account_id, credits, "2026-05-10", ceiling));
        if (!outcome) {
          ++failed;
        } else if (*outcome == ChargeOutcome::kCharged) {
          ++charged;
        }
      }
    });
  }
  for (auto& thread : threads) {
    thread.join();
  }
  EXPECT_EQ(failed.load(), 0);
  return charged.load();
}

TEST_F(SqliteStoreChargeTest, ConcurrentChargesStopAtCeiling) {
  // 160 attempts of 3 credits against 300: exactly 100 fit.
  const int charged =
      charge_concurrently(account_id_, 3, 300, 20, [&](int) -> Store& { return *store_; });

  EXPECT_EQ(charged, 100);
  EXPECT_EQ(month_credits("2026-05"), 300);
  const auto days = daily_usage("2026-05");
  ASSERT_EQ(days.size(), 1u);
  EXPECT_EQ(days[0].requests, 100);
}

TEST_F(SqliteStoreChargeTest, ChargesFromSeparateConnectionsStopAtCeiling) {
  // One connection per thread, as several server processes sharing the
  // file would have, so only SQLite's write lock keeps them apart.
  std::vector<std::unique_ptr<Store>> connections;
  for (int t = 0; t < kThreads; ++t) {
    auto opened = open_sqlite_store(db_path());
    ASSERT_TRUE(opened) << opened.error().detail;
    connections.push_back(std::move(*opened));
  }

  const int charged = charge_concurrently(account_id_, 3, 300, 20,
                                          [&](int t) -> Store& { return *connections[t]; });

  EXPECT_EQ(charged, 100);
  EXPECT_EQ(month_credits("2026-05"), 300);
}

}  // namespace
}  // namespace countryhub::store
