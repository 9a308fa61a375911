#include "common/time_format.hpp"

#include <gtest/gtest.h>

namespace countryhub::common {
namespace {

TEST(ParseRfc3339, ReadsWholeSeconds) {
  EXPECT_EQ(parse_rfc3339_utc_ms("2026-06-05T14:23:00Z"), 1780669380000);
}

TEST(ParseRfc3339, ReadsFractionsToMilliseconds) {
  EXPECT_EQ(parse_rfc3339_utc_ms("1970-01-01T00:00:01.5Z"), 1500);
  EXPECT_EQ(parse_rfc3339_utc_ms("1970-01-01T00:00:00.123456Z"), 123);
}

TEST(ParseRfc3339, RejectsOtherForms) {
  EXPECT_FALSE(parse_rfc3339_utc_ms("2026-06-05 14:23:00Z"));
  EXPECT_FALSE(parse_rfc3339_utc_ms("2026-06-05T14:23:00+02:00"));
  EXPECT_FALSE(parse_rfc3339_utc_ms("2026-02-30T00:00:00Z"));
  EXPECT_FALSE(parse_rfc3339_utc_ms("2026-06-05T24:00:00Z"));
  EXPECT_FALSE(parse_rfc3339_utc_ms("2026-06-05T14:23:00.Z"));
  EXPECT_FALSE(parse_rfc3339_utc_ms(""));
}

}  // namespace
}  // namespace countryhub::common
