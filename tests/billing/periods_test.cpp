#include "billing/periods.hpp"

#include <cstdint>
#include <string_view>

#include <gtest/gtest.h>

#include "common/time_format.hpp"

namespace countryhub::billing {
namespace {

// Returns the epoch milliseconds of an RFC 3339 UTC time, and fails the
// test on a typo in the text.
std::int64_t utc_ms(std::string_view text) {
  const auto parsed = common::parse_rfc3339_utc_ms(text);
  EXPECT_TRUE(parsed) << text;
  return parsed.value_or(0);
}

TEST(PeriodsAt, LastMillisecondOfJanuary) {
  // 2026-01-31T23:59:59.999Z, from `date -u -d ... +%s%3N`.
  const Periods periods = periods_at(1'769'903'999'999);
  EXPECT_EQ(periods.day, "2026-01-31");
  EXPECT_EQ(periods.month, "2026-01");
  EXPECT_EQ(periods.day_end_ms, 1'769'904'000'000);
  EXPECT_EQ(periods.month_end_ms, 1'769'904'000'000);
}

TEST(PeriodsAt, FirstMillisecondOfFebruary) {
  const Periods periods = periods_at(1'769'904'000'000);
  EXPECT_EQ(periods.day, "2026-02-01");
  EXPECT_EQ(periods.month, "2026-02");
  EXPECT_EQ(periods.day_end_ms, utc_ms("2026-02-02T00:00:00Z"));
  EXPECT_EQ(periods.month_end_ms, utc_ms("2026-03-01T00:00:00Z"));
}

TEST(PeriodsAt, EndOfShortFebruary) {
  const Periods periods = periods_at(utc_ms("2026-02-28T08:30:00Z"));
  EXPECT_EQ(periods.day, "2026-02-28");
  EXPECT_EQ(periods.day_end_ms, utc_ms("2026-03-01T00:00:00Z"));
  EXPECT_EQ(periods.month_end_ms, utc_ms("2026-03-01T00:00:00Z"));
}

TEST(PeriodsAt, LeapDay) {
  const Periods periods = periods_at(utc_ms("2028-02-29T12:00:00Z"));
  EXPECT_EQ(periods.day, "2028-02-29");
  EXPECT_EQ(periods.month, "2028-02");
  EXPECT_EQ(periods.day_end_ms, utc_ms("2028-03-01T00:00:00Z"));
  EXPECT_EQ(periods.month_end_ms, utc_ms("2028-03-01T00:00:00Z"));
}

TEST(PeriodsAt, DayBeforeLeapDay) {
  const Periods periods = periods_at(utc_ms("2028-02-28T23:59:59.999Z"));
  EXPECT_EQ(periods.day, "2028-02-28");
  EXPECT_EQ(periods.day_end_ms, utc_ms("2028-02-29T00:00:00Z"));
  EXPECT_EQ(periods.month_end_ms, utc_ms("2028-03-01T00:00:00Z"));
}

TEST(PeriodsAt, LastMillisecondOfYear) {
  const Periods periods = periods_at(utc_ms("2026-12-31T23:59:59.999Z"));
  EXPECT_EQ(periods.day, "2026-12-31");
  EXPECT_EQ(periods.month, "2026-12");
  EXPECT_EQ(periods.day_end_ms, utc_ms("2027-01-01T00:00:00Z"));
  EXPECT_EQ(periods.month_end_ms, utc_ms("2027-01-01T00:00:00Z"));
}

TEST(PeriodsAt, UnixEpoch) {
  const Periods periods = periods_at(0);
  EXPECT_EQ(periods.day, "1970-01-01");
  EXPECT_EQ(periods.month, "1970-01");
  EXPECT_EQ(periods.day_end_ms, 86'400'000);
  EXPECT_EQ(periods.month_end_ms, 31LL * 86'400'000);
}

TEST(SecondsUntil, RoundsUp) {
  EXPECT_EQ(seconds_until(0, 1), 1);
  EXPECT_EQ(seconds_until(0, 999), 1);
  EXPECT_EQ(seconds_until(0, 1000), 1);
  EXPECT_EQ(seconds_until(0, 1001), 2);
  EXPECT_EQ(seconds_until(500, 86'400'500), 86'400);
  EXPECT_EQ(seconds_until(1'769'903'999'999, 1'769'904'000'000), 1);
}

TEST(SecondsUntil, IsAtLeastOne) {
  EXPECT_EQ(seconds_until(0, 0), 1);
  EXPECT_EQ(seconds_until(5000, 1000), 1);
  EXPECT_EQ(seconds_until(1'769'904'000'000, 1'769'904'000'000), 1);
}

}  // namespace
}  // namespace countryhub::billing
