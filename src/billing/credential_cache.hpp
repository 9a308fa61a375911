#pragma once

#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "store/records.hpp"

namespace countryhub::billing {

// A key and its account as the store last returned them.
struct CredentialEntry {
  store::KeyRecord key;
  store::AccountRecord account;
};

// Keys and their accounts kept in memory by key hash, so authenticating a
// known key reads one counter from the store instead of two rows. Entries
// belong to one credentials version of the store (Store::credentials_version).
// A newer version empties the cache, so a revoke, rotation, plan change or
// disabled account made by any process applies to the next request.
// Thread-safe.
class CredentialCache {
 public:
  // Holds at most `max_entries` keys; when full it starts over empty.
  explicit CredentialCache(std::size_t max_entries = 100'000) : max_entries_(max_entries) {}

  // Returns the entry for `key_hash` if it was stored under `version`.
  std::optional<CredentialEntry> find(std::string_view key_hash, std::int64_t version);
  // Stores `entry`, read after `version` was read, unless a newer version is known.
  void insert(std::string_view key_hash, CredentialEntry entry, std::int64_t version);

 private:
  // Empties the cache when `version` is newer than its entries; returns
  // false when `version` is older (a reader that lost a race).
  bool move_to(std::int64_t version);

  struct TextHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view text) const {
      return std::hash<std::string_view>{}(text);
    }
  };

  const std::size_t max_entries_;
  std::mutex mutex_;
  std::int64_t version_ = -1;
  std::unordered_map<std::string, CredentialEntry, TextHash, std::equal_to<>> entries_;
};

}  // namespace countryhub::billing
