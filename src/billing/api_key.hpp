#pragma once

#include <string>
#include <string_view>

namespace countryhub::billing {

// API keys look like `chub_` + 32 random base62 characters + a 6-character
// base62 checksum of the random part. The prefix makes leaked keys easy to
// find by secret scanners; the checksum rejects typos and made-up keys
// without a database lookup.
inline constexpr std::string_view kKeyPrefix = "chub_";
inline constexpr std::size_t kKeyLength = 43;
// Characters of a key shown in listings and logs to identify it.
inline constexpr std::size_t kDisplayPrefixLength = 12;

struct GeneratedKey {
  std::string key;  // shown once, never stored
  std::string key_hash;
  std::string display_prefix;
};

// Creates a key from the operating system's cryptographic random source.
// Throws std::runtime_error when no randomness is available.
GeneratedKey generate_key();

// Returns whether `key` has the prefix, length, alphabet and checksum of a
// key this service issued.
bool is_well_formed_key(std::string_view key);

// Returns the lower-case hex SHA-256 of `key`, the only form that is stored.
std::string hash_key(std::string_view key);

// Returns the first characters of a key, for display and logs.
std::string display_prefix(std::string_view key);

}  // namespace countryhub::billing
