#pragma once

#include <algorithm>
#include <cstddef>
#include <string>
#include <string_view>

#include "billing/api_key.hpp"
#include "fuzz/entry_support.hpp"

namespace countryhub::fuzz {

// Returns an empty string when every single-byte substitution that `edits`
// describes makes `key` ill-formed. Each pair of bytes of `edits` is one
// substitution: the first picks the position, the second the new byte.
// NOTE: a substitution in the random part keeps a valid checksum with a
// chance of about 1 in 62^6 (5.7e10), because the checksum is six base62
// digits of SHA-256. A report here is a bug unless it is that rare event.
inline std::string check_substitutions(const std::string& key, std::string_view edits) {
  for (std::size_t i = 0; i + 1 < edits.size(); i += 2) {
    const std::size_t position = static_cast<unsigned char>(edits[i]) % key.size();
    const char replacement = edits[i + 1];
    if (key[position] == replacement) {
      continue;
    }
    std::string changed = key;
    changed[position] = replacement;
    if (billing::is_well_formed_key(changed)) {
      return "a key with byte " + std::to_string(position) + " changed is still well-formed";
    }
  }
  return {};
}

// Checks a freshly generated key: well-formed, with its stored hash and
// display prefix derived from it.
inline std::string check_generated_key(const billing::GeneratedKey& generated) {
  if (!billing::is_well_formed_key(generated.key)) {
    return "generate_key returned a key that is_well_formed_key rejects";
  }
  if (generated.key_hash != billing::hash_key(generated.key)) {
    return "generate_key returned a hash that is not hash_key of its key";
  }
  if (generated.display_prefix != billing::display_prefix(generated.key)) {
    return "generate_key returned a display prefix that is not display_prefix of its key";
  }
  return {};
}

// Treats `input` as a presented key (it must be checked and shown safely)
// and as a list of substitutions applied to a fresh key.
inline std::string check_api_key(std::string_view input) {
  const bool is_well_formed = billing::is_well_formed_key(input);
  if (is_well_formed &&
      (input.size() != billing::kKeyLength || !input.starts_with(billing::kKeyPrefix))) {
    return "is_well_formed_key accepted a key without the prefix or the length";
  }
  const std::size_t shown = std::min(input.size(), billing::kDisplayPrefixLength);
  if (billing::display_prefix(input) != input.substr(0, shown)) {
    return "display_prefix is not the first characters of the key";
  }
  const billing::GeneratedKey generated = billing::generate_key();
  if (auto violation = check_generated_key(generated); !violation.empty()) {
    return violation;
  }
  return check_substitutions(generated.key, input);
}

}  // namespace countryhub::fuzz
