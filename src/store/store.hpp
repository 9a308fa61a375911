#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "store/error.hpp"
#include "store/records.hpp"

namespace countryhub::store {

// A charge to commit: credits added to an account's day, with the ceiling
// the account's usage in the period must not pass.
struct ChargeRequest {
  std::int64_t account_id = 0;
  std::int64_t credits = 0;
  std::string day;    // UTC day of the charge, YYYY-MM-DD
  std::string month;  // UTC month of the charge, YYYY-MM; the period of `max_month_credits`
  // Refuse the charge when the month's credits would exceed this; negative: no ceiling.
  std::int64_t max_month_credits = -1;
};

enum class ChargeOutcome { kCharged, kOverLimit };

// Persistent state of accounts, keys and usage. Implementations are
// thread-safe; every write is durable when the call returns.
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
  virtual Result<std::int64_t> month_credits(std::int64_t account_id, std::string_view month) = 0;
  virtual Result<std::vector<DailyUsage>> daily_usage(std::int64_t account_id,
                                                      std::string_view month) = 0;

  // Checks that the database answers a trivial query.
  virtual Result<void> ping() = 0;
};

// Opens the store named by `url`: `sqlite:PATH` (created with owner-only
// permissions and migrated on first use).
Result<std::unique_ptr<Store>> open_store(std::string_view url);

}  // namespace countryhub::store
