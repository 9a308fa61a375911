#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace countryhub::spotify {

// A web-player TOTP secret and its version number (`totpVer`), as the
// bundle lists them: `{secret:'<printable string>',version:<n>}`.
struct TotpSecret {
  std::string secret;
  int version = 0;

  bool operator==(const TotpSecret&) const = default;
};

// Derives the HMAC key from a web-player TOTP secret as the web player does:
// each byte of `secret`, XORed with ((index mod 33) + 9), is written as a
// decimal number, and the concatenated digits are the key.
// NOTE: the web player works on UTF-16 code units; this works on bytes, which
// agrees for the ASCII secrets seen so far.
std::string derive_totp_key(std::string_view secret);

// Computes the RFC 6238 code of `key` for `unix_seconds`: HMAC-SHA1 over the
// big-endian count of 30-second steps, truncated to `digits` decimal digits
// (zero-padded). `digits` is 1 to 9: 6 for Spotify, 8 in the RFC test vectors.
std::string totp_code(std::string_view key, std::int64_t unix_seconds, int digits = 6);

}  // namespace countryhub::spotify
