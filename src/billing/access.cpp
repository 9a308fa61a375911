#include "billing/access.hpp"

#include <stdexcept>

#include <fmt/format.h>

#include "billing/api_key.hpp"

namespace countryhub::billing {
namespace {

BillingError store_failed(const store::StoreError& error) {
  return BillingError{Error::kStoreFailed, error.detail};
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
  auto credentials = find_credentials(hash_key(presented_key));
  if (!credentials) {
    if (credentials.error().kind == Error::kInvalidKey) {
      return invalid;
    }
    return credentials.error();
  }
  store::KeyRecord& key = credentials->key;
  store::AccountRecord& account = credentials->account;
  const std::int64_t now_ms = clock_();
  if (key.revoked_at_ms && *key.revoked_at_ms <= now_ms) {
    // A key rotated with no grace is revoked; one whose grace ran out is expired.
    if (key.expires_at_ms && *key.expires_at_ms <= now_ms && *key.expires_at_ms != *key.revoked_at_ms) {
      return invalid;
    }
    return BillingError{Error::kKeyRevoked,
                        fmt::format("API key {}... was revoked; use another key of the account",
                                    key.display_prefix)};
  }
  if (key.expires_at_ms && *key.expires_at_ms <= now_ms) {
    return invalid;
  }
  if (account.is_disabled) {
    return BillingError{Error::kAccountDisabled,
                        "The account of this API key is disabled; contact support to enable it"};
  }
  auto plan = find_plan(account.plan);
  if (!plan) {
    return BillingError{Error::kStoreFailed,
                        fmt::format("account {} has unknown plan '{}'", account.id, account.plan)};
  }
  return Caller{std::move(account), std::move(key), *plan};
}

Result<CredentialEntry> Access::find_credentials(const std::string& key_hash) {
  // The version is read first: an entry read after it is at least that new.
  auto version = credentials_version();
  if (!version) {
    return version.error();
  }
  if (auto cached = cache_.find(key_hash, *version)) {
    return std::move(*cached);
  }
  auto key = store_.find_key_by_hash(key_hash);
  if (!key) {
    if (key.error().kind == store::Error::kNotFound) {
      return BillingError{Error::kInvalidKey, "no key with this hash"};
    }
    return store_failed(key.error());
  }
  auto account = store_.find_account_by_id(key->account_id);
  if (!account) {
    return store_failed(account.error());
  }
  CredentialEntry entry{std::move(*key), std::move(*account)};
  cache_.insert(key_hash, entry, *version);
  return entry;
}

Result<std::int64_t> Access::credentials_version() {
  const std::int64_t now_us = std::chrono::duration_cast<std::chrono::microseconds>(
                                  std::chrono::steady_clock::now().time_since_epoch())
                                  .count();
  // The time is loaded before the version, and stored after it below, so a
  // fresh time never pairs with an older version.
  const std::int64_t read_at_us = version_read_at_us_.load(std::memory_order_acquire);
  if (read_at_us > 0 && now_us - read_at_us < version_reuse_.count()) {
    return version_.load(std::memory_order_relaxed);
  }
  auto version = store_.credentials_version();
  if (!version) {
    return store_failed(version.error());
  }
  version_.store(*version, std::memory_order_relaxed);
  version_read_at_us_.store(now_us, std::memory_order_release);
  return *version;
}

}  // namespace countryhub::billing
