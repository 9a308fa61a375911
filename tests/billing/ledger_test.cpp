#include "billing/ledger.hpp"

#include <atomic>
#include <filesystem>
#include <future>
#include <random>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "billing/minute_limiter.hpp"
#include "billing/usage_report.hpp"

namespace countryhub::billing {
namespace {

// 2026-12-04T12:00:00Z
constexpr std::int64_t kNoon = 1'796'385'600'000;

class LedgerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::random_device random;
    path_ = std::filesystem::temp_directory_path() /
            ("countryhub-ledger-" + std::to_string(random()) + ".db");
    store_ = std::move(store::open_store("sqlite:" + path_.string()).value());
    committer_ = std::make_unique<GroupCommitter>(*store_);
    ledger_ = std::make_unique<CreditLedger>(*store_, *committer_, [this] { return now_ms_.load(); });
  }

  void TearDown() override {
    ledger_.reset();
    committer_.reset();
    store_.reset();
    for (const char* suffix : {"", "-wal", "-shm"}) {
      std::filesystem::remove(path_.string() + suffix);
    }
  }

  Caller caller(const std::string& email, const std::string& plan, bool has_overage = false) {
    auto account = store_->find_account(email);
    if (!account) {
      account = store_->create_account(email, plan, has_overage, kNoon);
    }
    account->plan = plan;
    account->has_overage = has_overage;
    return Caller{*account, store::KeyRecord{}, *find_plan(plan)};
  }

  void spend(const Caller& who, std::int64_t credits, const std::string& day) {
    ASSERT_TRUE(store_->charge(store::ChargeRequest{who.account.id, credits, day,
                                                    day.substr(0, 7), -1, -1, {}}));
  }

  std::filesystem::path path_;
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<GroupCommitter> committer_;
  std::unique_ptr<CreditLedger> ledger_;
  std::atomic<std::int64_t> now_ms_{kNoon};
};

TEST_F(LedgerTest, CommitRecordsThreeCreditsDurably) {
  const Caller free = caller("a@example.com", "free");
  auto reservation = ledger_->reserve(free);
  ASSERT_TRUE(reservation);
  auto balance = ledger_->commit(free, *reservation);
  ASSERT_TRUE(balance);
  EXPECT_EQ(balance->month_credits, 3);
  EXPECT_EQ(balance->included_remaining, 1997);
  EXPECT_EQ(balance->day_remaining, 497);
  EXPECT_EQ(store_->month_credits(free.account.id, "2026-12").value(), 3);
}

TEST_F(LedgerTest, ReleasedReservationChargesNothing) {
  const Caller free = caller("a@example.com", "free");
  {
    auto reservation = ledger_->reserve(free);
    ASSERT_TRUE(reservation);
  }
  EXPECT_EQ(store_->month_credits(free.account.id, "2026-12").value(), 0);
  EXPECT_EQ(ledger_->balance(free)->month_credits, 0);
}

TEST_F(LedgerTest, LastIncludedCreditsThenExhausted) {
  const Caller free = caller("a@example.com", "free");
  spend(free, 1997, "2026-12-01");
  auto last = ledger_->reserve(free);
  ASSERT_TRUE(last);
  const auto refused = ledger_->reserve(free);  // the last 3 are reserved
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().kind, Error::kCreditsExhausted);
  // 2026-12-04T12:00Z to 2027-01-01T00:00Z
  EXPECT_EQ(refused.error().retry_after_seconds, 27 * 86400 + 12 * 3600);
  EXPECT_NE(refused.error().message.find("Free"), std::string::npos);
  ASSERT_TRUE(ledger_->commit(free, *last));
  EXPECT_FALSE(ledger_->reserve(free));
}

TEST_F(LedgerTest, DailyCapReachedExactly) {
  const Caller starter = caller("b@example.com", "starter");
  spend(starter, 4997, "2026-12-04");
  auto last = ledger_->reserve(starter);
  ASSERT_TRUE(last);
  ASSERT_TRUE(ledger_->commit(starter, *last));
  const auto refused = ledger_->reserve(starter);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().kind, Error::kDailyCapReached);
  EXPECT_EQ(refused.error().retry_after_seconds, 12 * 3600);
  EXPECT_NE(refused.error().message.find("5000"), std::string::npos);
}

TEST_F(LedgerTest, DayRolloverAtUtcMidnightReopensTheCap) {
  const Caller free = caller("c@example.com", "free");
  spend(free, 498, "2026-12-04");
  EXPECT_FALSE(ledger_->reserve(free));
  now_ms_ = kNoon + 12 * 3600 * 1000 - 1;  // 23:59:59.999
  EXPECT_FALSE(ledger_->reserve(free));
  now_ms_ = kNoon + 12 * 3600 * 1000;  // 2026-12-05T00:00:00Z
  auto next_day = ledger_->reserve(free);
  ASSERT_TRUE(next_day);
  ASSERT_TRUE(ledger_->commit(free, *next_day));
  EXPECT_EQ(store_->day_credits(free.account.id, "2026-12-05").value(), 3);
}

TEST_F(LedgerTest, MonthRolloverRenewsCredits) {
  const Caller free = caller("d@example.com", "free");
  spend(free, 2000, "2026-12-01");
  now_ms_ = 1'798'761'600'000 - 1;  // 2026-12-31T23:59:59.999Z
  EXPECT_FALSE(ledger_->reserve(free));
  now_ms_ = 1'798'761'600'000;  // 2027-01-01T00:00:00Z
  EXPECT_TRUE(ledger_->reserve(free));
}

TEST_F(LedgerTest, OverageSwitchDecidesForStarter) {
  spend(caller("e@example.com", "starter"), 20000, "2026-12-01");
  EXPECT_FALSE(ledger_->reserve(caller("e@example.com", "starter", false)));
  const Caller with_overage = caller("e@example.com", "starter", true);
  auto reservation = ledger_->reserve(with_overage);
  ASSERT_TRUE(reservation);
  auto balance = ledger_->commit(with_overage, *reservation);
  ASSERT_TRUE(balance);
  EXPECT_EQ(balance->included_remaining, 0);
  EXPECT_EQ(balance->month_credits, 20003);
}

TEST_F(LedgerTest, FreeNeverGoesIntoOverage) {
  const Caller free = caller("f@example.com", "free", true);
  spend(free, 2000, "2026-12-01");
  EXPECT_FALSE(ledger_->reserve(free));
}

TEST_F(LedgerTest, PlanChangeMidMonthAppliesAtOnce) {
  spend(caller("g@example.com", "free"), 2000, "2026-12-01");
  EXPECT_FALSE(ledger_->reserve(caller("g@example.com", "free")));
  EXPECT_TRUE(ledger_->reserve(caller("g@example.com", "starter")));
}

TEST_F(LedgerTest, ConcurrentRequestsSpendExactlyWhatIsLeft) {
  const Caller free = caller("h@example.com", "free");
  spend(free, 1970, "2026-12-01");  // 30 credits left: 10 requests
  std::atomic<int> charged{0};
  std::atomic<int> refused{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 5; ++i) {
        auto reservation = ledger_->reserve(free);
        if (!reservation) {
          ++refused;
          continue;
        }
        if (ledger_->commit(free, *reservation)) {
          ++charged;
        }
      }
    });
  }
  for (std::thread& thread : threads) {
    thread.join();
  }
  EXPECT_EQ(charged.load(), 10);
  EXPECT_EQ(refused.load(), 30);
  EXPECT_EQ(store_->month_credits(free.account.id, "2026-12").value(), 2000);
}

TEST_F(LedgerTest, GroupCommitterBatchesConcurrentCharges) {
  const Caller pro = caller("i@example.com", "pro");
  std::vector<std::thread> threads;
  for (int t = 0; t < 16; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 25; ++i) {
        auto reservation = ledger_->reserve(pro);
        ASSERT_TRUE(ledger_->commit(pro, *reservation));
      }
    });
  }
  for (std::thread& thread : threads) {
    thread.join();
  }
  EXPECT_EQ(store_->month_credits(pro.account.id, "2026-12").value(), 16 * 25 * 3);
  EXPECT_LE(committer_->batch_count(), 400u);
}

TEST_F(LedgerTest, AsyncCommitReportsBalanceOnceCommitted) {
  const Caller free = caller("k@example.com", "free");
  auto reservation = ledger_->reserve(free);
  ASSERT_TRUE(reservation);
  std::promise<Result<UsageBalance>> settled;

  ledger_->commit_async(free, std::move(*reservation), std::nullopt,
                        [&settled](Result<UsageBalance> balance) {
                          settled.set_value(std::move(balance));
                        });

  auto balance = settled.get_future().get();
  ASSERT_TRUE(balance) << balance.error().message;
  EXPECT_EQ(balance->month_credits, 3);
  EXPECT_EQ(balance->included_remaining, 1997);
  EXPECT_EQ(store_->month_credits(free.account.id, "2026-12").value(), 3);
}

TEST_F(LedgerTest, AsyncCommitsStopAtTheDailyCap) {
  // Free: a daily cap of 500 credits. 166 charges of 3 fit (498), the next cannot.
  const Caller free = caller("l@example.com", "free");
  std::atomic<int> charged{0};
  std::atomic<int> settled{0};
  int reserved = 0;
  for (int i = 0; i < 200; ++i) {
    auto reservation = ledger_->reserve(free);
    if (!reservation) {
      continue;
    }
    ++reserved;
    ledger_->commit_async(free, std::move(*reservation), std::nullopt,
                          [&](Result<UsageBalance> balance) {
                            charged += balance ? 1 : 0;
                            ++settled;
                          });
  }
  while (settled.load() < reserved) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }

  EXPECT_EQ(reserved, 166);
  EXPECT_EQ(charged.load(), 166);
  EXPECT_EQ(store_->month_credits(free.account.id, "2026-12").value(), 498);
}

TEST_F(LedgerTest, StoredResponseIsCommittedWithTheCharge) {
  const Caller free = caller("j@example.com", "free");
  auto reservation = ledger_->reserve(free);
  ASSERT_TRUE(ledger_->commit(free, *reservation,
                              store::IdempotentResponse{"key-1", kNoon, 200, "A: b", "{}"}));
  auto stored = store_->find_idempotent_response(free.account.id, "key-1", kNoon - 1);
  ASSERT_TRUE(stored);
  EXPECT_EQ(stored->body, "{}");
  EXPECT_FALSE(store_->find_idempotent_response(free.account.id, "key-1", kNoon + 1));
}

TEST(OverageCost, IsExactDecimalDollars) {
  EXPECT_EQ(overage_cost_usd(*find_plan("starter"), 0), "0.00");
  EXPECT_EQ(overage_cost_usd(*find_plan("starter"), 3), "0.00225");
  EXPECT_EQ(overage_cost_usd(*find_plan("starter"), 1000), "0.75");
  EXPECT_EQ(overage_cost_usd(*find_plan("growth"), 1000), "0.45");
  EXPECT_EQ(overage_cost_usd(*find_plan("pro"), 999'999), "299.9997");
  EXPECT_EQ(overage_cost_usd(*find_plan("business"), 1'000'000), "200.00");
  EXPECT_EQ(overage_cost_usd(*find_plan("enterprise"), 10'000'001), "1200.00012");
  // A thousand times 0.1 cent drifts in binary floating point; here it cannot.
  EXPECT_EQ(overage_cost_usd(*find_plan("enterprise"), 3 * 333'333), "119.99988");
}

TEST(OverageCost, CentsToDollars) {
  EXPECT_EQ(cents_to_usd(0), "0.00");
  EXPECT_EQ(cents_to_usd(900), "9.00");
  EXPECT_EQ(cents_to_usd(49900), "499.00");
  EXPECT_EQ(cents_to_usd(75), "0.75");
}

}  // namespace
}  // namespace countryhub::billing

namespace countryhub::billing {
namespace {

// Every number of the plan table, enforced: one request short of each limit
// passes and the next is refused.
class EveryPlanTest : public LedgerTest, public ::testing::WithParamInterface<std::string> {};

TEST_P(EveryPlanTest, PerMinuteLimitHoldsExactly) {
  const Plan plan = *find_plan(GetParam());
  MinuteLimiter limiter;
  for (std::int64_t i = 0; i < plan.requests_per_minute; ++i) {
    ASSERT_TRUE(limiter.try_acquire(1, plan.requests_per_minute, kNoon + i).is_allowed) << i;
  }
  EXPECT_FALSE(limiter.try_acquire(1, plan.requests_per_minute, kNoon + 59'999).is_allowed);
}

TEST_P(EveryPlanTest, DailyCapHoldsExactly) {
  const Caller who = caller("cap@example.com", GetParam(), true);
  if (!who.plan.daily_cap) {
    spend(who, 1'000'000, "2026-12-04");
    EXPECT_TRUE(ledger_->reserve(who)) << "plans without a cap take any day's volume";
    return;
  }
  spend(who, *who.plan.daily_cap - 3, "2026-12-04");
  auto last = ledger_->reserve(who);
  ASSERT_TRUE(last);
  ASSERT_TRUE(ledger_->commit(who, *last));
  const auto refused = ledger_->reserve(who);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().kind, Error::kDailyCapReached);
}

TEST_P(EveryPlanTest, IncludedCreditsHoldExactlyWithoutOverage) {
  const Caller who = caller("month@example.com", GetParam(), false);
  spend(who, who.plan.included_credits - 3, "2026-12-01");
  auto last = ledger_->reserve(who);
  ASSERT_TRUE(last);
  ASSERT_TRUE(ledger_->commit(who, *last));
  const bool is_refused = !ledger_->reserve(who);
  EXPECT_EQ(is_refused, who.plan.overage_rule != OverageRule::kAlways);
}

INSTANTIATE_TEST_SUITE_P(Plans, EveryPlanTest,
                         ::testing::Values("free", "starter", "growth", "pro", "business",
                                           "enterprise"));

}  // namespace
}  // namespace countryhub::billing
