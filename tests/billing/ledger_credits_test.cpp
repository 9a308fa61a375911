#include <atomic>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "billing/access.hpp"
#include "billing/accounts.hpp"
#include "billing/group_commit.hpp"
#include "billing/ledger.hpp"
#include "billing/periods.hpp"
#include "store/sqlite_store.hpp"

namespace countryhub::billing {
namespace {

// 2026-03-10T12:00:00Z.
constexpr std::int64_t kStartMs = 1'773'144'000'000;
// 2026-03-31T23:59:59.999Z, the last millisecond of March.
constexpr std::int64_t kMarchLastMs = 1'775'001'599'999;

class LedgerCreditsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::random_device random;
    dir_ = std::filesystem::temp_directory_path() /
           ("countryhub-credits-" + std::to_string(random()) + std::to_string(random()));
    ASSERT_TRUE(std::filesystem::create_directory(dir_));
    auto opened = store::open_sqlite_store((dir_ / "countryhub.db").string());
    ASSERT_TRUE(opened) << opened.error().detail;
    store_ = std::move(*opened);
    // The atomic lets the clock be read from several threads at once.
    const common::Clock clock = [this] { return now_ms_.load(); };
    manager_ = std::make_unique<AccountManager>(*store_, clock);
    access_ = std::make_unique<Access>(*store_, clock);
    committer_ = std::make_unique<GroupCommitter>(*store_);
    ledger_ = std::make_unique<CreditLedger>(*store_, *committer_, clock);
  }

  void TearDown() override {
    ledger_.reset();
    committer_.reset();
    access_.reset();
    manager_.reset();
    store_.reset();
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }

  // Creates an account with one key and returns it as authenticated.
  Caller caller_on(const std::string& plan, bool has_overage) {
    const std::string email = plan + (has_overage ? "-overage" : "") + "@example.com";
    auto account = manager_->create_account(email, plan, has_overage);
    EXPECT_TRUE(account) << account.error().message;
    auto issued = manager_->create_key(email);
    EXPECT_TRUE(issued) << issued.error().message;
    auto caller = access_->authenticate(issued ? issued->key : "");
    EXPECT_TRUE(caller) << caller.error().message;
    return caller ? *caller : Caller{};
  }

  // Checks one request's credits as the server does: reserve, then release.
  Result<UsageBalance> check(const Caller& caller) {
    auto reservation = ledger_->reserve(caller);
    if (!reservation) {
      return reservation.error();
    }
    return ledger_->balance(caller);
  }

  // Charges one request as the server does: reserve, then commit.
  Result<UsageBalance> charge(const Caller& caller) {
    auto reservation = ledger_->reserve(caller);
    if (!reservation) {
      return reservation.error();
    }
    return ledger_->commit(caller, *reservation);
  }

  // Records `credits` already used this month, on its first day so that the
  // daily cap stays untouched, with no ceiling.
  void use_credits(const Caller& caller, std::int64_t credits) {
    const Periods periods = periods_at(now_ms_);
    store::ChargeRequest charge;
    charge.account_id = caller.account.id;
    charge.credits = credits;
    charge.day = periods.month + "-01";
    charge.month = periods.month;
    auto outcome = store_->charge(charge);
    ASSERT_TRUE(outcome) << outcome.error().detail;
    ASSERT_EQ(*outcome, store::ChargeOutcome::kCharged);
  }

  std::int64_t month_credits(const Caller& caller, const std::string& month) {
    auto credits = store_->month_credits(caller.account.id, month);
    EXPECT_TRUE(credits) << credits.error().detail;
    return credits ? *credits : -1;
  }

  std::filesystem::path dir_;
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<AccountManager> manager_;
  std::unique_ptr<Access> access_;
  std::unique_ptr<GroupCommitter> committer_;
  std::unique_ptr<CreditLedger> ledger_;
  std::atomic<std::int64_t> now_ms_{kStartMs};
};

TEST_F(LedgerCreditsTest, FreeAllowsRequestThatReachesIncluded) {
  const Caller caller = caller_on("free", false);
  use_credits(caller, 1997);

  auto balance = check(caller);
  ASSERT_TRUE(balance) << balance.error().message;
  EXPECT_EQ(caller.plan.included_credits, 2000);
  EXPECT_EQ(balance->month_credits, 1997);
  EXPECT_EQ(balance->included_remaining, 3);
}

TEST_F(LedgerCreditsTest, FreeRejectsRequestPastIncluded) {
  const Caller caller = caller_on("free", false);
  use_credits(caller, 1998);

  auto balance = check(caller);
  ASSERT_FALSE(balance);
  EXPECT_EQ(balance.error().kind, Error::kCreditsExhausted);
  EXPECT_NE(balance.error().message.find("Free"), std::string::npos) << balance.error().message;
  // From 2026-03-10T12:00:00Z to 2026-04-01T00:00:00Z.
  EXPECT_EQ(balance.error().retry_after_seconds, 21 * 86'400 + 12 * 3'600);
}

TEST_F(LedgerCreditsTest, FreeRefusesTheOverageSwitch) {
  auto account = manager_->create_account("free-overage@example.com", "free", true);
  ASSERT_FALSE(account);
  EXPECT_EQ(account.error().kind, Error::kInvalidArgument);
}

TEST_F(LedgerCreditsTest, MovingToFreeTurnsOverageOff) {
  const Caller caller = caller_on("starter", true);
  AccountChange change;
  change.plan = "free";
  auto moved = manager_->update_account(caller.account.email, change);
  ASSERT_TRUE(moved) << moved.error().message;
  EXPECT_FALSE(moved->has_overage);
  change.has_overage = true;
  EXPECT_FALSE(manager_->update_account(caller.account.email, change));
}

TEST_F(LedgerCreditsTest, ProIsNeverRejected) {
  const Caller caller = caller_on("pro", false);
  use_credits(caller, 400'000);

  auto at_included = check(caller);
  ASSERT_TRUE(at_included) << at_included.error().message;
  EXPECT_EQ(at_included->included_remaining, 0);

  use_credits(caller, 4'600'000);
  // The ledger keeps totals in memory, so usage written to the store behind
  // its back shows only in a new ledger, as after a restart.
  ledger_ = std::make_unique<CreditLedger>(*store_, *committer_, [this] { return now_ms_.load(); });
  auto far_past = check(caller);
  ASSERT_TRUE(far_past) << far_past.error().message;
  EXPECT_EQ(far_past->month_credits, 5'000'000);
  EXPECT_EQ(far_past->included_remaining, 0);

  auto receipt = charge(caller);
  ASSERT_TRUE(receipt) << receipt.error().message;
  EXPECT_EQ(receipt->month_credits, 5'000'003);
}

TEST_F(LedgerCreditsTest, StarterFollowsOverageSwitch) {
  const Caller without = caller_on("starter", false);
  const Caller with = caller_on("starter", true);
  use_credits(without, 20'000);
  use_credits(with, 20'000);

  auto rejected = check(without);
  ASSERT_FALSE(rejected);
  EXPECT_EQ(rejected.error().kind, Error::kCreditsExhausted);
  EXPECT_EQ(charge(without).error().kind, Error::kCreditsExhausted);

  auto allowed = check(with);
  ASSERT_TRUE(allowed) << allowed.error().message;
  auto receipt = charge(with);
  ASSERT_TRUE(receipt) << receipt.error().message;
  EXPECT_EQ(receipt->month_credits, 20'003);
  EXPECT_EQ(receipt->included_remaining, 0);
}

TEST_F(LedgerCreditsTest, ChargeAddsThreeCreditsToToday) {
  const Caller caller = caller_on("free", false);

  auto receipt = charge(caller);
  ASSERT_TRUE(receipt) << receipt.error().message;
  EXPECT_EQ(receipt->month_credits, kCreditsPerRequest);
  EXPECT_EQ(caller.plan.included_credits, 2000);
  EXPECT_EQ(receipt->month_credits, 3);
  EXPECT_EQ(receipt->included_remaining, 1997);

  auto days = store_->daily_usage(caller.account.id, "2026-03");
  ASSERT_TRUE(days) << days.error().detail;
  ASSERT_EQ(days->size(), 1u);
  EXPECT_EQ((*days)[0].day, "2026-03-10");
  EXPECT_EQ((*days)[0].credits, 3);
  EXPECT_EQ((*days)[0].requests, 1);
}

TEST_F(LedgerCreditsTest, ChargeMayReachIncludedExactly) {
  const Caller caller = caller_on("free", false);
  use_credits(caller, 1997);

  auto receipt = charge(caller);
  ASSERT_TRUE(receipt) << receipt.error().message;
  EXPECT_EQ(receipt->month_credits, 2000);
  EXPECT_EQ(receipt->included_remaining, 0);

  auto next = charge(caller);
  ASSERT_FALSE(next);
  EXPECT_EQ(next.error().kind, Error::kCreditsExhausted);
}

TEST_F(LedgerCreditsTest, RejectedChargeLeavesUsage) {
  const Caller caller = caller_on("free", false);
  use_credits(caller, 1998);

  auto receipt = charge(caller);
  ASSERT_FALSE(receipt);
  EXPECT_EQ(receipt.error().kind, Error::kCreditsExhausted);
  EXPECT_EQ(month_credits(caller, "2026-03"), 1998);
}

TEST_F(LedgerCreditsTest, CreditsRenewAtUtcMonthStart) {
  now_ms_ = kMarchLastMs;
  const Caller caller = caller_on("free", false);
  use_credits(caller, 2000);

  auto rejected = check(caller);
  ASSERT_FALSE(rejected);
  EXPECT_EQ(rejected.error().retry_after_seconds, 1);

  now_ms_ = kMarchLastMs + 1;
  auto renewed = check(caller);
  ASSERT_TRUE(renewed) << renewed.error().message;
  EXPECT_EQ(renewed->month_credits, 0);
  auto receipt = charge(caller);
  ASSERT_TRUE(receipt) << receipt.error().message;
  EXPECT_EQ(month_credits(caller, "2026-04"), 3);
  EXPECT_EQ(month_credits(caller, "2026-03"), 2000);
}

TEST_F(LedgerCreditsTest, ChargeFailureIsStoreFailure) {
  Caller ghost = caller_on("pro", false);
  // No account has this id, so the usage row breaks the foreign key.
  ghost.account.id += 1000;

  auto receipt = charge(ghost);
  ASSERT_FALSE(receipt);
  EXPECT_EQ(receipt.error().kind, Error::kStoreFailed);
}

TEST_F(LedgerCreditsTest, ConcurrentChargesStopAtIncluded) {
  const Caller caller = caller_on("free", false);
  // Room for exactly ten requests of 3 credits, and 40 are attempted.
  use_credits(caller, 1970);

  std::atomic<int> charged{0};
  std::atomic<int> exhausted{0};
  std::atomic<int> other_errors{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 5; ++i) {
        auto receipt = charge(caller);
        if (receipt) {
          ++charged;
        } else if (receipt.error().kind == Error::kCreditsExhausted) {
          ++exhausted;
        } else {
          ++other_errors;
        }
      }
    });
  }
  for (auto& thread : threads) {
    thread.join();
  }

  EXPECT_EQ(charged.load(), 10);
  EXPECT_EQ(exhausted.load(), 30);
  EXPECT_EQ(other_errors.load(), 0);
  EXPECT_EQ(month_credits(caller, "2026-03"), 2000);
}

}  // namespace
}  // namespace countryhub::billing
