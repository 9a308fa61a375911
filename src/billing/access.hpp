#pragma once

#include <cstdint>
#include <string_view>

#include "billing/credential_cache.hpp"
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

// Authenticates API keys against the store, keeping known keys in memory
// (CredentialCache); CreditLedger checks and charges credits. Thread-safe as
// far as the store is.
class Access {
 public:
  Access(store::Store& store, common::Clock clock) : store_(store), clock_(std::move(clock)) {}

  // Resolves a presented key to its account. Malformed keys fail without a
  // store lookup; a known key costs one read of the credentials version. Errors: kMissingKey, kInvalidKey, kKeyRevoked,
  // kAccountDisabled, kStoreFailed.
  Result<Caller> authenticate(std::string_view presented_key);

 private:
  // Finds the key and its account in the cache or the store.
  Result<CredentialEntry> find_credentials(const std::string& key_hash);

  store::Store& store_;
  common::Clock clock_;
  CredentialCache cache_;
};

}  // namespace countryhub::billing
