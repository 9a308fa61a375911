#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

#include "billing/access.hpp"
#include "billing/group_commit.hpp"
#include "billing/periods.hpp"

namespace countryhub::billing {

// An account's credits in the current UTC month and day, as the RateLimit
// headers and the usage endpoint report them.
struct UsageBalance {
  Periods periods;
  std::int64_t month_credits = 0;      // charged this month
  std::int64_t included_remaining = 0; // of the plan's included credits, never negative
  std::int64_t day_credits = 0;        // charged today
  std::optional<std::int64_t> day_remaining;  // under the daily cap; nullopt without a cap
};

class CreditLedger;

// Credits held for one request between the limit check and its outcome.
// Move-only; released on destruction unless committed.
class Reservation {
 public:
  Reservation() = default;
  Reservation(Reservation&& other) noexcept;
  Reservation& operator=(Reservation&& other) noexcept;
  ~Reservation();

 private:
  friend class CreditLedger;
  CreditLedger* ledger_ = nullptr;
  std::int64_t account_id_ = 0;
  std::int64_t credits_ = 0;
  Periods periods_;
};

// Holds each account's credit totals in memory so that limit checks need no
// disk access, reserves credits before the upstream call and commits them
// through the group committer on success. Concurrent requests can never take
// an account past its included credits (without overage) or its daily cap:
// reservations count against both until they are committed or released.
// One process per database: totals are loaded from the store on first use
// and on each new UTC day, and the store checks the ceilings again when it
// commits. Thread-safe.
class CreditLedger {
 public:
  CreditLedger(store::Store& store, GroupCommitter& committer, common::Clock clock)
      : store_(store), committer_(committer), clock_(std::move(clock)) {}

  // Reserves one request's credits. Errors: kCreditsExhausted,
  // kDailyCapReached (each with the seconds until the period resets), and
  // kStoreFailed when the totals cannot be loaded.
  Result<Reservation> reserve(const Caller& caller);

  // Commits a reservation durably, storing `response` with it when given.
  // Errors: kCreditsExhausted or kDailyCapReached when the store's own check
  // refuses it, kStoreFailed when it cannot be written. The reservation is
  // spent either way.
  Result<UsageBalance> commit(const Caller& caller, Reservation& reservation,
                              std::optional<store::IdempotentResponse> response = std::nullopt);

  using CommitDone = std::function<void(Result<UsageBalance>)>;

  // Commits like commit() without blocking: `done` runs with the result on
  // the group committer's thread, so it must be quick.
  void commit_async(const Caller& caller, Reservation reservation,
                    std::optional<store::IdempotentResponse> response, CommitDone done);

  // Returns the caller's balance now, reservations not counted.
  Result<UsageBalance> balance(const Caller& caller);

  // The 429 errors, with messages naming the limit, the plan and the reset.
  static BillingError credits_exhausted(const Plan& plan, const Periods& periods,
                                        std::int64_t now_ms);
  static BillingError daily_cap_reached(const Plan& plan, const Periods& periods,
                                        std::int64_t now_ms);

 private:
  friend class Reservation;

  struct Totals {
    std::string month;
    std::string day;
    std::int64_t month_credits = 0;
    std::int64_t day_credits = 0;
    std::int64_t reserved = 0;
  };
  struct Shard {
    std::mutex mutex;
    std::unordered_map<std::int64_t, Totals> accounts;
  };

  Shard& shard_of(std::int64_t account_id);
  // Returns the account's totals for `periods`, loading them from the store
  // when the day or month changed. Called with the shard locked.
  store::Result<Totals*> totals_for(Shard& shard, std::int64_t account_id,
                                    const Periods& periods);
  void release(Reservation& reservation);
  static store::ChargeRequest charge_of(const Caller& caller, const Reservation& reservation,
                                        std::optional<store::IdempotentResponse> response);
  // Settles the reservation with the store's outcome of its charge and
  // returns the balance after it, or the error that refused it.
  Result<UsageBalance> settle(const Caller& caller, Reservation& reservation,
                              const store::Result<store::ChargeOutcome>& outcome);
  static UsageBalance balance_of(const Plan& plan, const Totals& totals, const Periods& periods);

  store::Store& store_;
  GroupCommitter& committer_;
  common::Clock clock_;
  std::array<Shard, 16> shards_;
};

}  // namespace countryhub::billing
