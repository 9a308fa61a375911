#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "billing/error.hpp"
#include "common/clock.hpp"
#include "store/store.hpp"

namespace countryhub::billing {

// A key as issued: the secret is shown once and never stored.
struct IssuedKey {
  std::string key;
  store::KeyRecord record;
};

// Fields of an account to change; unset fields stay as they are.
struct AccountChange {
  std::optional<std::string> plan;
  std::optional<bool> has_overage;
  std::optional<bool> is_disabled;
};

// Creates and changes accounts and their keys, for the command line and the
// console. Accounts are named by email; keys by id or display prefix.
// Thread-safe as far as the store is.
class AccountManager {
 public:
  AccountManager(store::Store& store, common::Clock clock)
      : store_(store), clock_(std::move(clock)) {}

  // Errors: kInvalidArgument (email or plan), kAlreadyExists, kStoreFailed.
  Result<store::AccountRecord> create_account(std::string_view email, std::string_view plan_id,
                                              bool has_overage);
  Result<store::AccountRecord> find_account(std::string_view email);
  Result<store::AccountRecord> update_account(std::string_view email, const AccountChange& change);

  // Issues a key and makes it the account's active key.
  Result<IssuedKey> create_key(std::string_view email);
  Result<std::vector<store::KeyRecord>> list_keys(std::string_view email);
  // Revokes the key named by `key_ref` (id or display prefix) at once.
  Result<store::KeyRecord> revoke_key(std::string_view email, std::string_view key_ref);
  // Issues a new active key and lets the old one (`key_ref`, or the active
  // key when empty) work for `grace_seconds` more; 0 revokes it now.
  Result<IssuedKey> rotate_key(std::string_view email, std::string_view key_ref,
                               std::int64_t grace_seconds);

 private:
  Result<store::KeyRecord> find_key(const store::AccountRecord& account, std::string_view key_ref);

  store::Store& store_;
  common::Clock clock_;
};

// Returns whether `email` looks like an address: one '@' with text on both
// sides, no spaces or control characters, at most 254 bytes.
bool is_plausible_email(std::string_view email);

// Parses a grace period such as "0", "90s", "15m", "24h" or "7d" into
// seconds; nullopt for anything else.
std::optional<std::int64_t> parse_duration_seconds(std::string_view text);

}  // namespace countryhub::billing
