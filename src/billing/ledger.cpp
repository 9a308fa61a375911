#include "billing/ledger.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "common/time_format.hpp"

namespace countryhub::billing {
namespace {

std::string utc_time(std::int64_t epoch_ms) {
  const std::time_t seconds = epoch_ms / 1000;
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z", utc.tm_year + 1900, utc.tm_mon + 1,
                     utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec);
}

BillingError store_failed(const store::StoreError& error) {
  return BillingError{Error::kStoreFailed, error.detail};
}

}  // namespace

Reservation::Reservation(Reservation&& other) noexcept
    : ledger_(std::exchange(other.ledger_, nullptr)),
      account_id_(other.account_id_),
      credits_(other.credits_),
      periods_(std::move(other.periods_)) {}

Reservation& Reservation::operator=(Reservation&& other) noexcept {
  if (this != &other) {
    if (ledger_ != nullptr) {
      ledger_->release(*this);
    }
    ledger_ = std::exchange(other.ledger_, nullptr);
    account_id_ = other.account_id_;
    credits_ = other.credits_;
    periods_ = std::move(other.periods_);
  }
  return *this;
}

Reservation::~Reservation() {
  if (ledger_ != nullptr) {
    ledger_->release(*this);
  }
}

BillingError CreditLedger::credits_exhausted(const Plan& plan, const Periods& periods,
                                             std::int64_t now_ms) {
  const std::string next_step = plan.overage_rule == OverageRule::kWhenEnabled
                                    ? "enable overage or upgrade the plan"
                                    : "upgrade the plan";
  return BillingError{
      Error::kCreditsExhausted,
      fmt::format("The {} plan's {} included credits for {} are used up; they renew at {} "
                  "(in {} s). To continue before then, {}.",
                  plan.name, plan.included_credits, periods.month, utc_time(periods.month_end_ms),
                  seconds_until(now_ms, periods.month_end_ms), next_step),
      seconds_until(now_ms, periods.month_end_ms)};
}

BillingError CreditLedger::daily_cap_reached(const Plan& plan, const Periods& periods,
                                             std::int64_t now_ms) {
  return BillingError{
      Error::kDailyCapReached,
      fmt::format("Daily cap of {} credits on the {} plan reached for {}; it resets at {} "
                  "(in {} s).",
                  plan.daily_cap.value_or(0), plan.name, periods.day, utc_time(periods.day_end_ms),
                  seconds_until(now_ms, periods.day_end_ms)),
      seconds_until(now_ms, periods.day_end_ms)};
}

CreditLedger::Shard& CreditLedger::shard_of(std::int64_t account_id) {
  return shards_[static_cast<std::uint64_t>(account_id) % shards_.size()];
}

store::Result<CreditLedger::Totals*> CreditLedger::totals_for(Shard& shard,
                                                              std::int64_t account_id,
                                                              const Periods& periods) {
  Totals& totals = shard.accounts[account_id];
  if (totals.day == periods.day) {
    return &totals;
  }
  auto month_credits = store_.month_credits(account_id, periods.month);
  if (!month_credits) {
    return month_credits.error();
  }
  auto day_credits = store_.day_credits(account_id, periods.day);
  if (!day_credits) {
    return day_credits.error();
  }
  totals.month = periods.month;
  totals.day = periods.day;
  totals.month_credits = *month_credits;
  totals.day_credits = *day_credits;
  return &totals;
}

UsageBalance CreditLedger::balance_of(const Plan& plan, const Totals& totals,
                                      const Periods& periods) {
  UsageBalance balance;
  balance.periods = periods;
  balance.month_credits = totals.month_credits;
  balance.included_remaining = std::max<std::int64_t>(0, plan.included_credits - totals.month_credits);
  balance.day_credits = totals.day_credits;
  if (plan.daily_cap) {
    balance.day_remaining = std::max<std::int64_t>(0, *plan.daily_cap - totals.day_credits);
  }
  return balance;
}

Result<Reservation> CreditLedger::reserve(const Caller& caller) {
  const std::int64_t now_ms = clock_();
  const Periods periods = periods_at(now_ms);
  Shard& shard = shard_of(caller.account.id);
  std::lock_guard lock(shard.mutex);
  auto totals = totals_for(shard, caller.account.id, periods);
  if (!totals) {
    return store_failed(totals.error());
  }
  Totals& account = **totals;
  const std::int64_t credits = kCreditsPerRequest;
  if (!allows_overage(caller.plan, caller.account.has_overage) &&
      account.month_credits + account.reserved + credits > caller.plan.included_credits) {
    return credits_exhausted(caller.plan, periods, now_ms);
  }
  if (caller.plan.daily_cap &&
      account.day_credits + account.reserved + credits > *caller.plan.daily_cap) {
    return daily_cap_reached(caller.plan, periods, now_ms);
  }
  account.reserved += credits;
  Reservation reservation;
  reservation.ledger_ = this;
  reservation.account_id_ = caller.account.id;
  reservation.credits_ = credits;
  reservation.periods_ = periods;
  return reservation;
}

void CreditLedger::release(Reservation& reservation) {
  Shard& shard = shard_of(reservation.account_id_);
  std::lock_guard lock(shard.mutex);
  shard.accounts[reservation.account_id_].reserved -= reservation.credits_;
  reservation.ledger_ = nullptr;
}

store::ChargeRequest CreditLedger::charge_of(const Caller& caller, const Reservation& reservation,
                                            std::optional<store::IdempotentResponse> response) {
  store::ChargeRequest charge;
  charge.account_id = caller.account.id;
  charge.credits = reservation.credits_;
  charge.day = reservation.periods_.day;
  charge.month = reservation.periods_.month;
  if (!allows_overage(caller.plan, caller.account.has_overage)) {
    charge.max_month_credits = caller.plan.included_credits;
  }
  charge.max_day_credits = caller.plan.daily_cap.value_or(-1);
  charge.response = std::move(response);
  return charge;
}

Result<UsageBalance> CreditLedger::commit(const Caller& caller, Reservation& reservation,
                                          std::optional<store::IdempotentResponse> response) {
  const auto outcome = committer_.commit(charge_of(caller, reservation, std::move(response)));
  return settle(caller, reservation, outcome);
}

void CreditLedger::commit_async(const Caller& caller, Reservation reservation,
                                std::optional<store::IdempotentResponse> response,
                                CommitDone done) {
  store::ChargeRequest charge = charge_of(caller, reservation, std::move(response));
  // std::function needs a copyable callable, so the move-only reservation is shared.
  auto shared_reservation = std::make_shared<Reservation>(std::move(reservation));
  committer_.commit_async(std::move(charge), [this, caller, shared_reservation, done = std::move(done)](
                                                 store::Result<store::ChargeOutcome> outcome) {
    done(settle(caller, *shared_reservation, outcome));
  });
}

Result<UsageBalance> CreditLedger::settle(const Caller& caller, Reservation& reservation,
                                          const store::Result<store::ChargeOutcome>& outcome) {
  const Periods periods = reservation.periods_;
  Shard& shard = shard_of(caller.account.id);
  std::lock_guard lock(shard.mutex);
  Totals& totals = shard.accounts[caller.account.id];
  totals.reserved -= reservation.credits_;
  reservation.ledger_ = nullptr;
  if (!outcome) {
    return store_failed(outcome.error());
  }
  const std::int64_t now_ms = clock_();
  if (*outcome == store::ChargeOutcome::kOverMonthLimit) {
    return credits_exhausted(caller.plan, periods, now_ms);
  }
  if (*outcome == store::ChargeOutcome::kOverDayLimit) {
    return daily_cap_reached(caller.plan, periods, now_ms);
  }
  // The totals may have moved on to a new day while the charge was written;
  // the charge then belongs to the period already persisted.
  // NOTE: a reload at UTC midnight that already read this charge from the
  // store counts it twice in the month total until the next day's reload;
  // the store's own ceiling check stays exact.
  if (totals.day == periods.day) {
    totals.day_credits += reservation.credits_;
  }
  if (totals.month == periods.month) {
    totals.month_credits += reservation.credits_;
  }
  return balance_of(caller.plan, totals, periods);
}

Result<UsageBalance> CreditLedger::balance(const Caller& caller) {
  const Periods periods = periods_at(clock_());
  Shard& shard = shard_of(caller.account.id);
  std::lock_guard lock(shard.mutex);
  auto totals = totals_for(shard, caller.account.id, periods);
  if (!totals) {
    return store_failed(totals.error());
  }
  return balance_of(caller.plan, **totals, periods);
}

}  // namespace countryhub::billing
