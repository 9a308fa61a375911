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

// Authenticates API keys against the store; CreditLedger checks and charges
// credits. Thread-safe as far as the store is.
class Access {
 public:
  Access(store::Store& store, common::Clock clock) : store_(store), clock_(std::move(clock)) {}

  // Resolves a presented key to its account. Malformed keys fail without a
  // store lookup. Errors: kMissingKey, kInvalidKey, kKeyRevoked,
  // kAccountDisabled, kStoreFailed.
  Result<Caller> authenticate(std::string_view presented_key);

 private:
  store::Store& store_;
  common::Clock clock_;
};

}  // namespace countryhub::billing
