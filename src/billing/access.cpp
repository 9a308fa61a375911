#include "billing/access.hpp"

#include <algorithm>
#include <stdexcept>

#include <fmt/format.h>

#include "billing/api_key.hpp"
#include "billing/periods.hpp"

namespace countryhub::billing {
namespace {

BillingError store_failed(const store::StoreError& error) {
  return BillingError{Error::kStoreFailed, error.detail};
}

CreditBalance balance_of(const Plan& plan, std::int64_t used) {
  return CreditBalance{plan.included_credits, used,
                       std::max<std::int64_t>(0, plan.included_credits - used)};
}

}  // namespace

void throw_exception_from_error(const BillingError& error, const boost::source_location&) {
  throw std::runtime_error(error.message);
}

Result<Caller> Access::authenticate(std::string_view presented_key) {
  if (presented_key.empty()) {
    return BillingError{Error::kMissingKey,
                        "API key missing; send it in the x-api-key header or as "
                        "'Authorization: Bearer <key>'"};
  }
  const BillingError invalid{Error::kInvalidKey,
                             "API key is invalid or expired; check it or create a new one"};
  if (!is_well_formed_key(presented_key)) {
    return invalid;
  }
  auto key = store_.find_key_by_hash(hash_key(presented_key));
  if (!key) {
    if (key.error().kind == store::Error::kNotFound) {
      return invalid;
    }
    return store_failed(key.error());
  }
  const std::int64_t now_ms = clock_();
  if (key->revoked_at_ms && *key->revoked_at_ms <= now_ms) {
    // A key rotated with no grace is revoked; one whose grace ran out is expired.
    if (key->expires_at_ms && *key->expires_at_ms <= now_ms && *key->expires_at_ms != *key->revoked_at_ms) {
      return invalid;
    }
    return BillingError{Error::kKeyRevoked,
                        fmt::format("API key {}... was revoked; use another key of the account",
                                    key->display_prefix)};
  }
  if (key->expires_at_ms && *key->expires_at_ms <= now_ms) {
    return invalid;
  }
  auto account = store_.find_account_by_id(key->account_id);
  if (!account) {
    return store_failed(account.error());
  }
  if (account->is_disabled) {
    return BillingError{Error::kAccountDisabled,
                        "The account of this API key is disabled; contact support to enable it"};
  }
  auto plan = find_plan(account->plan);
  if (!plan) {
    return BillingError{Error::kStoreFailed,
                        fmt::format("account {} has unknown plan '{}'", account->id, account->plan)};
  }
  return Caller{std::move(*account), std::move(*key), *plan};
}

BillingError Access::credits_exhausted(const Caller& caller, std::int64_t now_ms) const {
  const Periods periods = periods_at(now_ms);
  const std::int64_t retry_after = seconds_until(now_ms, periods.month_end_ms);
  return BillingError{
      Error::kCreditsExhausted,
      fmt::format("Included credits of the {} plan ({}) are used up for {}; they renew in {} s. "
                  "Enable overage or upgrade the plan to continue.",
                  caller.plan.name, caller.plan.included_credits, periods.month, retry_after),
      retry_after};
}

Result<CreditBalance> Access::check_credits(const Caller& caller) {
  const std::int64_t now_ms = clock_();
  auto used = store_.month_credits(caller.account.id, periods_at(now_ms).month);
  if (!used) {
    return store_failed(used.error());
  }
  if (!allows_overage(caller.plan, caller.account.has_overage) &&
      *used + kCreditsPerRequest > caller.plan.included_credits) {
    return credits_exhausted(caller, now_ms);
  }
  return balance_of(caller.plan, *used);
}

Result<ChargeReceipt> Access::charge_request(const Caller& caller) {
  const std::int64_t now_ms = clock_();
  const Periods periods = periods_at(now_ms);
  store::ChargeRequest charge;
  charge.account_id = caller.account.id;
  charge.credits = kCreditsPerRequest;
  charge.day = periods.day;
  charge.month = periods.month;
  if (!allows_overage(caller.plan, caller.account.has_overage)) {
    charge.max_month_credits = caller.plan.included_credits;
  }
  auto outcome = store_.charge(charge);
  if (!outcome) {
    return store_failed(outcome.error());
  }
  if (*outcome != store::ChargeOutcome::kCharged) {
    return credits_exhausted(caller, now_ms);
  }
  auto used = store_.month_credits(caller.account.id, periods.month);
  if (!used) {
    return store_failed(used.error());
  }
  return ChargeReceipt{kCreditsPerRequest, balance_of(caller.plan, *used)};
}

}  // namespace countryhub::billing
