#include "billing/minute_limiter.hpp"

#include <atomic>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

namespace countryhub::billing {
namespace {

constexpr std::int64_t kStart = 1'780'000'000'000;

TEST(MinuteLimiter, AllowsExactlyTheLimitInOneMinute) {
  MinuteLimiter limiter;
  for (int i = 0; i < 5; ++i) {
    EXPECT_TRUE(limiter.try_acquire(1, 5, kStart + i * 1000).is_allowed) << i;
  }
  const MinuteDecision sixth = limiter.try_acquire(1, 5, kStart + 5000);
  EXPECT_FALSE(sixth.is_allowed);
  EXPECT_EQ(sixth.remaining, 0);
  EXPECT_EQ(sixth.reset_ms, 55'000);  // the first request leaves the window at kStart + 60 s
}

TEST(MinuteLimiter, RefusedRequestsAreNotCounted) {
  MinuteLimiter limiter;
  for (int i = 0; i < 5; ++i) {
    limiter.try_acquire(1, 5, kStart);
  }
  for (int i = 0; i < 10; ++i) {
    EXPECT_FALSE(limiter.try_acquire(1, 5, kStart + 59'999).is_allowed);
  }
  EXPECT_TRUE(limiter.try_acquire(1, 5, kStart + 60'000).is_allowed);
}

TEST(MinuteLimiter, NoBurstAtTheWindowEdge) {
  MinuteLimiter limiter;
  // Five at the very end of one minute, then the next minute begins: a fixed
  // window would allow five more at once; the sliding window allows none
  // until each of those five is 60 s old.
  for (int i = 0; i < 5; ++i) {
    ASSERT_TRUE(limiter.try_acquire(1, 5, kStart + 59'990 + i).is_allowed);
  }
  EXPECT_FALSE(limiter.try_acquire(1, 5, kStart + 60'001).is_allowed);
  EXPECT_FALSE(limiter.try_acquire(1, 5, kStart + 119'989).is_allowed);
  EXPECT_TRUE(limiter.try_acquire(1, 5, kStart + 119'990).is_allowed);
  EXPECT_FALSE(limiter.try_acquire(1, 5, kStart + 119'990).is_allowed);
}

TEST(MinuteLimiter, RetryAfterNamesWhenTheNextRequestPasses) {
  MinuteLimiter limiter;
  limiter.try_acquire(1, 2, kStart);
  limiter.try_acquire(1, 2, kStart + 10'000);
  const MinuteDecision refused = limiter.try_acquire(1, 2, kStart + 30'000);
  ASSERT_FALSE(refused.is_allowed);
  EXPECT_EQ(refused.reset_ms, 30'000);
  EXPECT_TRUE(limiter.try_acquire(1, 2, kStart + 30'000 + refused.reset_ms).is_allowed);
}

TEST(MinuteLimiter, AccountsAreIndependent) {
  MinuteLimiter limiter;
  for (int i = 0; i < 5; ++i) {
    limiter.try_acquire(1, 5, kStart);
  }
  EXPECT_FALSE(limiter.try_acquire(1, 5, kStart).is_allowed);
  EXPECT_TRUE(limiter.try_acquire(2, 5, kStart).is_allowed);
  EXPECT_TRUE(limiter.try_acquire(17, 5, kStart).is_allowed);  // same shard as account 1
}

TEST(MinuteLimiter, LoweredLimitWaitsForEnoughRequestsToExpire) {
  MinuteLimiter limiter;
  for (int i = 0; i < 10; ++i) {
    limiter.try_acquire(1, 15, kStart + i * 1000);
  }
  // The plan drops to 5 per minute: 10 requests are in the window, so the
  // 6th oldest (at +5 s) must leave before one more passes.
  const MinuteDecision refused = limiter.try_acquire(1, 5, kStart + 20'000);
  EXPECT_FALSE(refused.is_allowed);
  EXPECT_EQ(refused.reset_ms, 45'000);
  EXPECT_TRUE(limiter.try_acquire(1, 5, kStart + 65'000).is_allowed);
}

TEST(MinuteLimiter, PeekCountsNothing) {
  MinuteLimiter limiter;
  limiter.try_acquire(1, 5, kStart);
  EXPECT_EQ(limiter.peek(1, 5, kStart + 1).remaining, 4);
  EXPECT_EQ(limiter.peek(1, 5, kStart + 1).remaining, 4);
  EXPECT_EQ(limiter.peek(3, 5, kStart + 1).remaining, 5);
}

TEST(MinuteLimiter, ConcurrentRequestsNeverPassTheLimit) {
  MinuteLimiter limiter;
  std::atomic<int> allowed{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 500; ++i) {
        allowed += limiter.try_acquire(7, 120, kStart + i).is_allowed ? 1 : 0;
      }
    });
  }
  for (std::thread& thread : threads) {
    thread.join();
  }
  EXPECT_EQ(allowed.load(), 120);
}

}  // namespace
}  // namespace countryhub::billing
