#include <cstdint>
#include <optional>
#include <string>

#include <gtest/gtest.h>

#include "billing/accounts.hpp"

namespace countryhub::billing {
namespace {

TEST(ParseDurationSeconds, ReadsEachUnit) {
  EXPECT_EQ(parse_duration_seconds("0"), 0);
  EXPECT_EQ(parse_duration_seconds("45"), 45);
  EXPECT_EQ(parse_duration_seconds("90s"), 90);
  EXPECT_EQ(parse_duration_seconds("15m"), 900);
  EXPECT_EQ(parse_duration_seconds("24h"), 86'400);
  EXPECT_EQ(parse_duration_seconds("7d"), 604'800);
  EXPECT_EQ(parse_duration_seconds("0d"), 0);
}

TEST(ParseDurationSeconds, AcceptsUpToOneLeapYear) {
  EXPECT_EQ(parse_duration_seconds("366d"), 366 * 86'400);
  EXPECT_EQ(parse_duration_seconds("8784h"), 366 * 86'400);
  EXPECT_EQ(parse_duration_seconds("31622400"), 366 * 86'400);
}

TEST(ParseDurationSeconds, RejectsMalformedText) {
  for (const char* text : {"", "-1s", "-1", "1w", "1.5h", "h", "s", "15 m", " 15m", "15m ", "+5s",
                           "5S", "1h30m", "0x10s", "ten"}) {
    EXPECT_EQ(parse_duration_seconds(text), std::nullopt) << "'" << text << "'";
  }
}

TEST(ParseDurationSeconds, RejectsMoreThanOneLeapYear) {
  for (const char* text : {"367d", "8785h", "31622401", "31622401s", "527041m"}) {
    EXPECT_EQ(parse_duration_seconds(text), std::nullopt) << text;
  }
}

TEST(ParseDurationSeconds, RejectsNumbersTooLargeForInt64) {
  for (const char* text : {"9223372036854775808s", "99999999999999999999d"}) {
    EXPECT_EQ(parse_duration_seconds(text), std::nullopt) << text;
  }
}

TEST(ParseDurationSeconds, RejectsCountsWhoseProductOverflows) {
  // Each count fits in int64_t, but count * unit does not. Wrapped to 64
  // bits, the first product is negative and the second is 61,184 seconds,
  // so a range check made after the multiplication lets both pass.
  for (const char* text :
       {"106751991167301d", "213503982334602d", "153722867280912931m", "2562047788015216h"}) {
    const auto parsed = parse_duration_seconds(text);
    EXPECT_EQ(parsed, std::nullopt) << text << " parsed as " << parsed.value_or(0);
  }
}

TEST(IsPlausibleEmail, AcceptsAddresses) {
  for (const char* email :
       {"a@b", "ada@example.com", "Ada.Lovelace+api@Example.COM", "x@sub.domain.example"}) {
    EXPECT_TRUE(is_plausible_email(email)) << email;
  }
}

TEST(IsPlausibleEmail, RejectsOtherText) {
  for (const char* email :
       {"", "ada", "@example.com", "ada@", "a@b@c", "ada @example.com", "ada@example.com ",
        "ada@exa\tmple.com", "ada@exa\nmple.com", "ada@exa\x7fmple.com"}) {
    EXPECT_FALSE(is_plausible_email(email)) << "'" << email << "'";
  }
}

TEST(IsPlausibleEmail, LimitsLengthTo254Bytes) {
  const std::string at_limit = std::string(64, 'a') + "@" + std::string(189, 'b');
  ASSERT_EQ(at_limit.size(), 254u);
  EXPECT_TRUE(is_plausible_email(at_limit));
  EXPECT_FALSE(is_plausible_email(at_limit + "b"));
}

}  // namespace
}  // namespace countryhub::billing
