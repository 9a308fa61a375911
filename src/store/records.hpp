#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace countryhub::store {

struct AccountRecord {
  std::int64_t id = 0;
  std::string email;
  std::string plan;  // plan id: free, starter, growth, pro, business, enterprise
  bool has_overage = false;
  bool is_disabled = false;
  std::int64_t created_at_ms = 0;
};

struct KeyRecord {
  std::int64_t id = 0;
  std::int64_t account_id = 0;
  std::string key_hash;        // lower-case hex SHA-256 of the whole key
  std::string display_prefix;  // first characters of the key, safe to show and log
  std::int64_t created_at_ms = 0;
  std::optional<std::int64_t> expires_at_ms;  // set when the key was rotated with a grace period
  std::optional<std::int64_t> revoked_at_ms;
  bool is_active = false;  // the account's key shown in the console's examples
};

// Credits and requests charged to one account on one UTC day.
struct DailyUsage {
  std::string day;  // YYYY-MM-DD
  std::int64_t credits = 0;
  std::int64_t requests = 0;
};

}  // namespace countryhub::store
