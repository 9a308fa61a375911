#pragma once

#include <atomic>
#include <chrono>
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
  // `version_reuse` is how long one read of the store's credentials version
  // serves later requests: a change made elsewhere (a revoke from the CLI)
  // takes effect at most that much later. Zero reads it for every request.
  Access(store::Store& store, common::Clock clock,
         std::chrono::microseconds version_reuse = std::chrono::microseconds(0))
      : store_(store), clock_(std::move(clock)), version_reuse_(version_reuse) {}

  // Resolves a presented key to its account. Malformed keys fail without a
  // store lookup; a known key costs one read of the credentials version. Errors: kMissingKey, kInvalidKey, kKeyRevoked,
  // kAccountDisabled, kStoreFailed.
  Result<Caller> authenticate(std::string_view presented_key);

 private:
  // Finds the key and its account in the cache or the store.
  Result<CredentialEntry> find_credentials(const std::string& key_hash);
  // Returns the store's credentials version, read again once version_reuse_ has passed.
  Result<std::int64_t> credentials_version();

  store::Store& store_;
  common::Clock clock_;
  const std::chrono::microseconds version_reuse_;
  CredentialCache cache_;
  // The last version read and when, in steady-clock microseconds (0: never).
  std::atomic<std::int64_t> version_{0};
  std::atomic<std::int64_t> version_read_at_us_{0};
};

}  // namespace countryhub::billing
