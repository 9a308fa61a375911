// Authentication compares only SHA-256 hashes, never the presented key:
// the store gets the key's hash and nothing else about it. A key that
// matches a real key in all but one character has a hash unrelated to the
// real one, so the time of the lookup cannot tell an attacker how many
// leading characters of a guess were right.
#include <array>
#include <cstdint>
#include <filesystem>
#include <openssl/evp.h>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "billing/access.hpp"
#include "billing/api_key.hpp"
#include "store/sqlite_store.hpp"
#include "support/forwarding_store.hpp"
#include "support/service_process.hpp"

namespace countryhub::billing {
namespace {

constexpr std::string_view kBase62 =
    "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

// Forwards to a real store and keeps every key hash it was asked for.
class HashRecordingStore final : public countryhub::testing::ForwardingStore {
 public:
  using ForwardingStore::ForwardingStore;

  std::vector<std::string> looked_up_hashes;

  store::Result<store::KeyRecord> find_key_by_hash(std::string_view key_hash) override {
    looked_up_hashes.emplace_back(key_hash);
    return ForwardingStore::find_key_by_hash(key_hash);
  }
};

// Builds a well-formed key from a 32-character random part, with the
// checksum that src/billing/api_key.cpp computes: six base62 digits, least
// significant first, of the first 8 bytes of SHA-256 over the random part.
// The test checks this copy against a generated key before relying on it.
std::string key_with_checksum(const std::string& random_part) {
  std::array<unsigned char, 32> digest{};
  unsigned int length = 0;
  EVP_Digest(random_part.data(), random_part.size(), digest.data(), &length, EVP_sha256(), nullptr);
  std::uint64_t value = 0;
  for (int i = 0; i < 8; ++i) {
    value = (value << 8) | digest[static_cast<std::size_t>(i)];
  }
  std::string key = std::string(kKeyPrefix) + random_part;
  for (int i = 0; i < 6; ++i) {
    key.push_back(kBase62[value % kBase62.size()]);
    value /= kBase62.size();
  }
  return key;
}

std::size_t common_prefix(const std::string& a, const std::string& b) {
  std::size_t length = 0;
  while (length < a.size() && length < b.size() && a[length] == b[length]) {
    ++length;
  }
  return length;
}

class KeyLookupTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto opened = store::open_sqlite_store((dir_.path() / "keys.db").string());
    ASSERT_TRUE(opened) << opened.error().detail;
    store_ = std::move(*opened);
    auto account = store_->create_account("lookup@example.com", "pro", false, 1000);
    ASSERT_TRUE(account);
    generated_ = generate_key();
    ASSERT_TRUE(store_->insert_key(
        store::KeyRecord{
            0, account->id, generated_.key_hash, generated_.display_prefix, 1000, {}, {}, true},
        true));
  }

  testing::TempDir dir_;
  std::unique_ptr<store::Store> store_;
  GeneratedKey generated_;
};

TEST_F(KeyLookupTest, StoreSeesOnlyTheHash) {
  HashRecordingStore recording(*store_);
  Access access(recording, [] { return std::int64_t{2000}; });
  ASSERT_TRUE(access.authenticate(generated_.key));
  ASSERT_EQ(recording.looked_up_hashes.size(), 1u);
  EXPECT_EQ(recording.looked_up_hashes.front(), hash_key(generated_.key));
  EXPECT_EQ(recording.looked_up_hashes.front().find(generated_.key.substr(kDisplayPrefixLength)),
            std::string::npos);
}

TEST_F(KeyLookupTest, NearMissKeysHaveUnrelatedHashes) {
  HashRecordingStore recording(*store_);
  Access access(recording, [] { return std::int64_t{2000}; });
  const std::string random_part = generated_.key.substr(kKeyPrefix.size(), 32);
  ASSERT_EQ(key_with_checksum(random_part), generated_.key);
  const std::string real_hash = hash_key(generated_.key);
  std::size_t longest_shared_hex = 0;
  // Keys equal to the real one in the first 31 random characters.
  for (const char last : kBase62) {
    std::string guess_part = random_part;
    if (guess_part.back() == last) {
      continue;
    }
    guess_part.back() = last;
    const auto result = access.authenticate(key_with_checksum(guess_part));
    ASSERT_FALSE(result);
    EXPECT_EQ(result.error().kind, Error::kInvalidKey);
    longest_shared_hex =
        std::max(longest_shared_hex, common_prefix(recording.looked_up_hashes.back(), real_hash));
  }
  EXPECT_EQ(recording.looked_up_hashes.size(), kBase62.size() - 1);
  // By chance 61 unrelated hashes share 8 leading hex digits with
  // probability about 61 / 16^8, under one in 70 million.
  EXPECT_LT(longest_shared_hex, 8u);
}

TEST_F(KeyLookupTest, MalformedKeysNeverReachTheStore) {
  HashRecordingStore recording(*store_);
  Access access(recording, [] { return std::int64_t{2000}; });
  std::string wrong_checksum = generated_.key;
  wrong_checksum.back() = wrong_checksum.back() == 'a' ? 'b' : 'a';
  for (const std::string& key : {wrong_checksum, generated_.key + "x", generated_.key.substr(1),
                                 std::string("chub_") + std::string(38, '!')}) {
    EXPECT_FALSE(access.authenticate(key));
  }
  EXPECT_TRUE(recording.looked_up_hashes.empty());
}

}  // namespace
}  // namespace countryhub::billing
