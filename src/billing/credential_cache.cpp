#include "billing/credential_cache.hpp"

namespace countryhub::billing {

bool CredentialCache::move_to(std::int64_t version) {
  if (version < version_) {
    return false;
  }
  if (version > version_) {
    entries_.clear();
    version_ = version;
  }
  return true;
}

std::optional<CredentialEntry> CredentialCache::find(std::string_view key_hash,
                                                     std::int64_t version) {
  std::lock_guard lock(mutex_);
  if (!move_to(version)) {
    return std::nullopt;
  }
  const auto found = entries_.find(key_hash);
  if (found == entries_.end()) {
    return std::nullopt;
  }
  return found->second;
}

void CredentialCache::insert(std::string_view key_hash, CredentialEntry entry,
                             std::int64_t version) {
  std::lock_guard lock(mutex_);
  // An entry read under an older version may already be out of date.
  if (!move_to(version) || version != version_) {
    return;
  }
  if (entries_.size() >= max_entries_) {
    entries_.clear();
  }
  entries_.insert_or_assign(std::string(key_hash), std::move(entry));
}

}  // namespace countryhub::billing
