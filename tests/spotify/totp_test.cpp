#include "spotify/totp.hpp"

#include <cstdint>
#include <ostream>
#include <string>

#include <gtest/gtest.h>

namespace countryhub::spotify {
namespace {

struct TotpVector {
  std::int64_t unix_seconds;
  std::string code;

  // Names the case in test output instead of dumping its bytes.
  friend void PrintTo(const TotpVector& vector, std::ostream* out) {
    *out << vector.unix_seconds << " -> " << vector.code;
  }
};

// RFC 6238 appendix B, SHA1 rows: the ASCII key "12345678901234567890" and
// 8-digit codes.
class RfcVectors : public ::testing::TestWithParam<TotpVector> {};

TEST_P(RfcVectors, MatchesEightDigitCode) {
  EXPECT_EQ(totp_code("12345678901234567890", GetParam().unix_seconds, 8), GetParam().code);
}

TEST_P(RfcVectors, SixDigitCodeIsLastSixDigits) {
  EXPECT_EQ(totp_code("12345678901234567890", GetParam().unix_seconds), GetParam().code.substr(2));
}

INSTANTIATE_TEST_SUITE_P(
    Sha1, RfcVectors,
    ::testing::Values(TotpVector{59, "94287082"}, TotpVector{1111111109, "07081804"},
                      TotpVector{1111111111, "14050471"}, TotpVector{1234567890, "89005924"},
                      TotpVector{2000000000, "69279037"}, TotpVector{20000000000, "65353130"}));

TEST(TotpCode, SameCodeWithinOneStep) {
  EXPECT_EQ(totp_code("key", 60), totp_code("key", 89));
  EXPECT_NE(totp_code("key", 89), totp_code("key", 90));
}

TEST(DeriveTotpKey, XorsWithIndexMaskAndJoinsDecimals) {
  // 'A' (65) ^ 9 = 72, 'B' (66) ^ 10 = 72, 'C' (67) ^ 11 = 72.
  EXPECT_EQ(derive_totp_key("ABC"), "727272");
}

TEST(DeriveTotpKey, MaskRestartsAfterThirtyThreeBytes) {
  const std::string secret(34, 'a');  // 'a' is 97
  const std::string key = derive_totp_key(secret);
  // Index 32 uses mask 41 (97 ^ 41 = 72), and index 33 starts again at 9
  // (97 ^ 9 = 104).
  EXPECT_TRUE(key.ends_with("72104")) << key;
}

TEST(DeriveTotpKey, EmptySecretGivesEmptyKey) { EXPECT_EQ(derive_totp_key(""), ""); }

TEST(DeriveTotpKey, FakeSecretMatchesHandComputedPrefix) {
  // 'c' (99) ^ 9 = 106, 'o' (111) ^ 10 = 101, 'u' (117) ^ 11 = 126.
  EXPECT_TRUE(derive_totp_key("countryhub-fake-secret-7Q2x").starts_with("106101126"));
}

}  // namespace
}  // namespace countryhub::spotify
