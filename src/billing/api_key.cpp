#include "billing/api_key.hpp"

#include <array>
#include <stdexcept>

#include <openssl/evp.h>
#include <openssl/rand.h>

namespace countryhub::billing {
namespace {

constexpr std::string_view kBase62 =
    "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
constexpr std::size_t kRandomLength = 32;
constexpr std::size_t kChecksumLength = 6;

std::array<unsigned char, 32> sha256(std::string_view text) {
  std::array<unsigned char, 32> digest{};
  unsigned int length = 0;
  EVP_Digest(text.data(), text.size(), digest.data(), &length, EVP_sha256(), nullptr);
  return digest;
}

// Six base62 digits of the first bytes of SHA-256 over the random part.
std::string checksum(std::string_view random_part) {
  const auto digest = sha256(random_part);
  std::uint64_t value = 0;
  for (int i = 0; i < 8; ++i) {
    value = (value << 8) | digest[static_cast<std::size_t>(i)];
  }
  std::string out;
  for (std::size_t i = 0; i < kChecksumLength; ++i) {
    out.push_back(kBase62[value % kBase62.size()]);
    value /= kBase62.size();
  }
  return out;
}

}  // namespace

GeneratedKey generate_key() {
  std::string random_part;
  // Rejection sampling keeps every base62 character equally likely: bytes
  // of 248 and above would favour the first eight characters.
  while (random_part.size() < kRandomLength) {
    std::array<unsigned char, 64> bytes{};
    if (RAND_bytes(bytes.data(), static_cast<int>(bytes.size())) != 1) {
      throw std::runtime_error("no cryptographic randomness available for a new API key");
    }
    for (unsigned char byte : bytes) {
      if (byte < 248 && random_part.size() < kRandomLength) {
        random_part.push_back(kBase62[byte % kBase62.size()]);
      }
    }
  }
  GeneratedKey generated;
  generated.key = std::string(kKeyPrefix) + random_part + checksum(random_part);
  generated.key_hash = hash_key(generated.key);
  generated.display_prefix = display_prefix(generated.key);
  return generated;
}

bool is_well_formed_key(std::string_view key) {
  if (key.size() != kKeyLength || !key.starts_with(kKeyPrefix)) {
    return false;
  }
  const std::string_view body = key.substr(kKeyPrefix.size());
  if (body.find_first_not_of(kBase62) != std::string_view::npos) {
    return false;
  }
  return body.substr(kRandomLength) == checksum(body.substr(0, kRandomLength));
}

std::string hash_key(std::string_view key) {
  static constexpr char kHex[] = "0123456789abcdef";
  const auto digest = sha256(key);
  std::string hex;
  hex.reserve(digest.size() * 2);
  for (unsigned char byte : digest) {
    hex.push_back(kHex[byte >> 4]);
    hex.push_back(kHex[byte & 0xF]);
  }
  return hex;
}

std::string display_prefix(std::string_view key) {
  return std::string(key.substr(0, kDisplayPrefixLength));
}

}  // namespace countryhub::billing
