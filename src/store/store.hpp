#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "store/error.hpp"
#include "store/records.hpp"

namespace countryhub::store {

// A response stored under an Idempotency-Key, replayed to repeats.
struct IdempotentResponse {
  std::string idempotency_key;
  std::int64_t created_at_ms = 0;
  int status = 0;
  std::string headers;  // "Name: value" lines joined by '\n'
  std::string body;
};

// A charge to commit: credits added to an account's day, with the ceilings
// the account's usage in the period must not pass.
struct ChargeRequest {
  std::int64_t account_id = 0;
  std::int64_t credits = 0;
  std::string day;    // UTC day of the charge, YYYY-MM-DD
  std::string month;  // UTC month of the charge, YYYY-MM; the period of `max_month_credits`
  // Refuse the charge when the month's credits would exceed this; negative: no ceiling.
  std::int64_t max_month_credits = -1;
  // Refuse the charge when the day's credits would exceed this; negative: no ceiling.
  std::int64_t max_day_credits = -1;
  // Stored in the same transaction as the charge, so a repeat finds the
  // response exactly when the charge was made.
  std::optional<IdempotentResponse> response;
};

enum class ChargeOutcome { kCharged, kOverMonthLimit, kOverDayLimit };

// Durability settings of a store: when a commit reaches the disk.
struct StoreOptions {
  // Zero: every commit is synced to disk before the call returns. Above zero:
  // a commit returns once the operating system has it, which a crash or
  // SIGKILL of countryhub cannot undo, and a background checkpoint syncs it
  // to disk within this interval; only a power loss or kernel crash can undo
  // the commits of the last interval.
  std::chrono::milliseconds sync_interval{100};
};

// Persistent state of accounts, keys and usage. Implementations are
// thread-safe; every write has been committed when the call returns, with
// the durability StoreOptions chose.
class Store {
 public:
  virtual ~Store() = default;

  virtual Result<AccountRecord> create_account(std::string_view email, std::string_view plan,
                                               bool has_overage, std::int64_t now_ms) = 0;
  virtual Result<AccountRecord> find_account(std::string_view email) = 0;
  virtual Result<AccountRecord> find_account_by_id(std::int64_t id) = 0;
  virtual Result<void> update_account(const AccountRecord& account) = 0;

  // Inserts a key; when `make_active` is set, it becomes the account's only active key.
  virtual Result<KeyRecord> insert_key(const KeyRecord& key, bool make_active) = 0;
  virtual Result<KeyRecord> find_key_by_hash(std::string_view key_hash) = 0;
  virtual Result<KeyRecord> find_key_by_id(std::int64_t id) = 0;
  virtual Result<std::vector<KeyRecord>> list_keys(std::int64_t account_id) = 0;
  virtual Result<void> revoke_key(std::int64_t key_id, std::int64_t now_ms) = 0;
  // Inserts `replacement` as the active key and sets `old_key_id` to expire
  // at `old_expires_at_ms` (revoked at once when that is not after `now_ms`),
  // in one transaction.
  virtual Result<KeyRecord> rotate_key(std::int64_t old_key_id, const KeyRecord& replacement,
                                       std::int64_t old_expires_at_ms, std::int64_t now_ms) = 0;

  // Adds the charge unless it would pass the ceiling; atomic with respect to
  // concurrent charges of the same account.
  virtual Result<ChargeOutcome> charge(const ChargeRequest& charge) = 0;
  // Commits several charges in one transaction (one disk sync), each checked
  // against its ceilings in order; outcomes are in the order of `charges`.
  virtual Result<std::vector<ChargeOutcome>> charge_batch(std::span<const ChargeRequest> charges) = 0;
  virtual Result<std::int64_t> month_credits(std::int64_t account_id, std::string_view month) = 0;
  virtual Result<std::vector<DailyUsage>> daily_usage(std::int64_t account_id,
                                                      std::string_view month) = 0;

  // Returns the credits charged to the account on `day` (YYYY-MM-DD).
  virtual Result<std::int64_t> day_credits(std::int64_t account_id, std::string_view day) = 0;

  // Finds a stored response created at or after `not_before_ms`; kNotFound otherwise.
  virtual Result<IdempotentResponse> find_idempotent_response(std::int64_t account_id,
                                                              std::string_view idempotency_key,
                                                              std::int64_t not_before_ms) = 0;
  // Deletes stored responses created before `before_ms`; returns how many.
  virtual Result<std::int64_t> purge_idempotent_responses(std::int64_t before_ms) = 0;

  // Returns a number that changes whenever any process adds, changes or
  // removes an account or a key, so copies of them kept in memory can tell
  // when they are out of date.
  virtual Result<std::int64_t> credentials_version() = 0;

  // Checks that the database answers a trivial query.
  virtual Result<void> ping() = 0;
};

// Opens the store named by `url`: `sqlite:PATH` (created with owner-only
// permissions and migrated on first use).
Result<std::unique_ptr<Store>> open_store(std::string_view url, const StoreOptions& options = {});

}  // namespace countryhub::store
