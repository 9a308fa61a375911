#include "billing/api_key.hpp"

#include <array>
#include <set>
#include <string>
#include <string_view>
#include <utility>

#include <gtest/gtest.h>

namespace countryhub::billing {
namespace {

constexpr std::string_view kBase62 =
    "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

// A key built outside this code: the random part was chosen by hand and its
// checksum computed with Python's hashlib (first 8 bytes of SHA-256 as a
// big-endian integer, written as 6 base62 digits, least significant first).
// Keys already issued must stay valid, so this one must always pass.
constexpr std::string_view kKnownKey = "chub_0123456789abcdefghijABCDEFGHIJxyRNajVL";
// `printf %s KEY | sha256sum` of kKnownKey.
constexpr std::string_view kKnownKeyHash =
    "262f89a648a4f783e7ea19129743ffead175c79bbd2df8435efd6555435b97f1";

// Positions in the random part (5..36) and in the checksum (37..42).
constexpr std::array<std::size_t, 8> kCheckedPositions = {5, 6, 19, 35, 36, 37, 40, 42};

// Returns how many single-character changes at kCheckedPositions are still
// accepted as well-formed. The checksum must catch every one of them.
int accepted_single_changes(const std::string& key) {
  int accepted = 0;
  for (const std::size_t position : kCheckedPositions) {
    for (const char replacement : kBase62) {
      if (replacement == key[position]) {
        continue;
      }
      std::string changed = key;
      changed[position] = replacement;
      if (is_well_formed_key(changed)) {
        ADD_FAILURE() << "accepted " << changed << " (position " << position << ")";
        ++accepted;
      }
    }
  }
  return accepted;
}

TEST(GenerateKey, HasPrefixLengthAndAlphabet) {
  for (int i = 0; i < 200; ++i) {
    const GeneratedKey generated = generate_key();
    const std::string& key = generated.key;
    ASSERT_EQ(key.size(), kKeyLength) << key;
    ASSERT_EQ(key.size(), 43u) << key;
    ASSERT_TRUE(key.starts_with("chub_")) << key;
    ASSERT_EQ(key.find_first_not_of(kBase62, 5), std::string::npos) << key;
  }
}

TEST(GenerateKey, IsWellFormed) {
  for (int i = 0; i < 200; ++i) {
    const GeneratedKey generated = generate_key();
    ASSERT_TRUE(is_well_formed_key(generated.key)) << generated.key;
  }
}

TEST(GenerateKey, KeysAreDistinct) {
  std::set<std::string> keys;
  for (int i = 0; i < 1000; ++i) {
    keys.insert(generate_key().key);
  }
  EXPECT_EQ(keys.size(), 1000u);
}

TEST(GenerateKey, RandomCharactersAreUnbiased) {
  // 2000 keys give 64,000 random characters, about 1,032 of each. Taking a
  // byte modulo 62 without rejection would make the first eight characters
  // 25% more frequent. A 10% difference is more than 8 standard deviations
  // away from an unbiased result, so chance alone should never fail this.
  std::array<int, 62> counts{};
  for (int i = 0; i < 2000; ++i) {
    const std::string key = generate_key().key;
    for (std::size_t position = 5; position < 37; ++position) {
      ++counts[kBase62.find(key[position])];
    }
  }
  double first_eight = 0;
  double others = 0;
  for (std::size_t i = 0; i < counts.size(); ++i) {
    EXPECT_GT(counts[i], 0) << kBase62[i];
    if (i < 8) {
      first_eight += counts[i];
    } else {
      others += counts[i];
    }
  }
  const double ratio = (first_eight / 8) / (others / 54);
  EXPECT_LT(ratio, 1.1);
  EXPECT_GT(ratio, 0.9);
}

TEST(GenerateKey, HashAndPrefixBelongToKey) {
  const GeneratedKey generated = generate_key();
  EXPECT_EQ(generated.key_hash, hash_key(generated.key));
  EXPECT_EQ(generated.display_prefix, generated.key.substr(0, 12));
}

TEST(IsWellFormedKey, AcceptsKeyComputedElsewhere) { EXPECT_TRUE(is_well_formed_key(kKnownKey)); }

TEST(IsWellFormedKey, ChecksumCatchesSingleCharacterChanges) {
  EXPECT_EQ(accepted_single_changes(std::string(kKnownKey)), 0);
  EXPECT_EQ(accepted_single_changes(generate_key().key), 0);
}

TEST(IsWellFormedKey, ChecksumCatchesSwappedNeighbours) {
  std::string swapped(kKnownKey);
  std::swap(swapped[5], swapped[6]);
  EXPECT_FALSE(is_well_formed_key(swapped)) << swapped;

  std::string swapped_checksum(kKnownKey);
  std::swap(swapped_checksum[37], swapped_checksum[38]);
  EXPECT_FALSE(is_well_formed_key(swapped_checksum)) << swapped_checksum;
}

TEST(IsWellFormedKey, RejectsWrongPrefixLengthOrAlphabet) {
  const std::string known(kKnownKey);
  const std::string body = known.substr(5);
  const std::string cases[] = {
      "",
      "chub_",
      known.substr(0, 42),
      known + "0",
      "CHUB_" + body,
      "chub-" + body,
      "sk_l_" + body,
      known.substr(0, 10) + "-" + known.substr(11),
      known.substr(0, 10) + "_" + known.substr(11),
      known.substr(0, 10) + std::string(1, '\0') + known.substr(11),
      " " + known.substr(0, 42),
  };
  for (const std::string& key : cases) {
    EXPECT_FALSE(is_well_formed_key(key)) << "'" << key << "'";
  }
}

TEST(HashKey, IsLowerCaseHexSha256) {
  // Expected values from `printf %s TEXT | sha256sum`.
  EXPECT_EQ(hash_key("chub_test"),
            "2d9e61c41f3060743404d17e511369fc62ff653ea5cb4caafba79be89184c8ba");
  EXPECT_EQ(hash_key(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(hash_key(kKnownKey), kKnownKeyHash);
}

TEST(HashKey, DiffersForDifferentKeys) { EXPECT_NE(hash_key("chub_test"), hash_key("chub_tesT")); }

TEST(DisplayPrefix, IsFirstTwelveCharacters) {
  EXPECT_EQ(kDisplayPrefixLength, 12u);
  EXPECT_EQ(display_prefix(kKnownKey), "chub_0123456");
  EXPECT_EQ(display_prefix("short"), "short");
}

}  // namespace
}  // namespace countryhub::billing
