#include "spotify/totp.hpp"

#include <array>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <fmt/format.h>

namespace countryhub::spotify {
namespace {

constexpr std::int64_t kStepSeconds = 30;

}  // namespace

std::string derive_totp_key(std::string_view secret) {
  std::string key;
  for (std::size_t index = 0; index < secret.size(); ++index) {
    const auto byte = static_cast<unsigned char>(secret[index]);
    const unsigned mask = static_cast<unsigned>(index % 33) + 9;
    key += std::to_string(byte ^ mask);
  }
  return key;
}

std::string totp_code(std::string_view key, std::int64_t unix_seconds, int digits) {
  std::uint64_t counter = static_cast<std::uint64_t>(unix_seconds / kStepSeconds);
  std::array<unsigned char, 8> message{};
  for (int index = 7; index >= 0; --index) {
    message[static_cast<std::size_t>(index)] = static_cast<unsigned char>(counter & 0xFF);
    counter >>= 8;
  }

  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int digest_size = 0;
  HMAC(EVP_sha1(), key.data(), static_cast<int>(key.size()), message.data(), message.size(),
       digest.data(), &digest_size);

  // Dynamic truncation (RFC 4226 section 5.3): the low nibble of the last
  // byte picks four bytes, read big-endian without the sign bit.
  const std::size_t offset = digest[digest_size - 1] & 0x0F;
  const std::uint32_t binary = (static_cast<std::uint32_t>(digest[offset] & 0x7F) << 24) |
                               (static_cast<std::uint32_t>(digest[offset + 1]) << 16) |
                               (static_cast<std::uint32_t>(digest[offset + 2]) << 8) |
                               static_cast<std::uint32_t>(digest[offset + 3]);
  std::uint32_t modulus = 1;
  for (int i = 0; i < digits; ++i) {
    modulus *= 10;
  }
  return fmt::format("{:0{}}", binary % modulus, digits);
}

}  // namespace countryhub::spotify
