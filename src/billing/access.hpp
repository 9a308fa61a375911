#pragma once

#include <cstdint>
#include <string_view>

#include "billing/error.hpp"
#include "billing/plans.hpp"
#include "common/clock.hpp"
#include "store/store.hpp"

namespace countryhub::billing {

// The authenticated owner of a request.
struct Caller {
  store::AccountRecord account;
  store::KeyRecord key;
  Plan plan;
};

struct CreditBalance {
  std::int64_t included = 0;
  std::int64_t used = 0;       // this UTC month
  std::int64_t remaining = 0;  // of the included credits, never negative
};

struct ChargeReceipt {
  std::int64_t charged = 0;
  CreditBalance balance;  // after the charge
};

// Authenticates API keys and charges credits against the store. Thread-safe
// as far as the store is.
class Access {
 public:
  Access(store::Store& store, common::Clock clock) : store_(store), clock_(std::move(clock)) {}

  // Resolves a presented key to its account. Malformed keys fail without a
  // store lookup. Errors: kMissingKey, kInvalidKey, kKeyRevoked,
  // kAccountDisabled, kStoreFailed.
  Result<Caller> authenticate(std::string_view presented_key);

  // Returns the caller's balance, or kCreditsExhausted when one more
  // request would pass the included credits and overage is not allowed.
  Result<CreditBalance> check_credits(const Caller& caller);

  // Records the charge of one successful request durably. Fails with
  // kCreditsExhausted when a concurrent request took the last credits.
  Result<ChargeReceipt> charge_request(const Caller& caller);

 private:
  BillingError credits_exhausted(const Caller& caller, std::int64_t now_ms) const;

  store::Store& store_;
  common::Clock clock_;
};

}  // namespace countryhub::billing
