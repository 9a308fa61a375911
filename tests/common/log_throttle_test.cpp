#include "common/log_throttle.hpp"

#include <gtest/gtest.h>

namespace countryhub::common {
namespace {

TEST(LogThrottle, LogsABurstThenSkips) {
  LogThrottle throttle(3, 10'000);

  EXPECT_EQ(throttle.admit(7, 0), 0);
  EXPECT_EQ(throttle.admit(7, 1), 0);
  EXPECT_EQ(throttle.admit(7, 2), 0);
  EXPECT_EQ(throttle.admit(7, 3), -1);
  EXPECT_EQ(throttle.admit(7, 4), -1);
}

TEST(LogThrottle, NextIntervalReportsSkippedLines) {
  LogThrottle throttle(1, 10'000);
  ASSERT_EQ(throttle.admit(7, 0), 0);
  ASSERT_EQ(throttle.admit(7, 5'000), -1);
  ASSERT_EQ(throttle.admit(7, 9'999), -1);

  EXPECT_EQ(throttle.admit(7, 10'000), 2);
  EXPECT_EQ(throttle.admit(7, 10'001), -1);
}

TEST(LogThrottle, KeysAreCountedApart) {
  LogThrottle throttle(1, 10'000);
  ASSERT_EQ(throttle.admit(1, 0), 0);

  EXPECT_EQ(throttle.admit(2, 1), 0);
  EXPECT_EQ(throttle.admit(1, 2), -1);
}

}  // namespace
}  // namespace countryhub::common
