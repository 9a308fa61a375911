#include "spotify/circuit_breaker.hpp"

#include <chrono>

#include <gtest/gtest.h>

namespace countryhub::spotify {
namespace {

using std::chrono::milliseconds;

constexpr std::int64_t kThreshold = 3;
constexpr std::int64_t kOpenMs = 1000;

class CircuitBreakerTest : public ::testing::Test {
 protected:
  // Runs one permitted call with the given outcome at `at`.
  bool call(bool is_failure, CircuitBreaker::TimePoint at) {
    const BreakerPermit permit = breaker_.acquire(at);
    EXPECT_TRUE(permit.is_allowed);
    return breaker_.record(permit, is_failure, at, kThreshold, kOpenMs);
  }

  CircuitBreaker breaker_;
  const CircuitBreaker::TimePoint start_ = std::chrono::steady_clock::now();
};

TEST_F(CircuitBreakerTest, OpensAtThreshold) {
  EXPECT_FALSE(call(true, start_));
  EXPECT_FALSE(call(true, start_));
  EXPECT_EQ(breaker_.state(start_), BreakerState::kClosed);
  EXPECT_TRUE(call(true, start_));
  EXPECT_EQ(breaker_.state(start_), BreakerState::kOpen);
  const BreakerPermit denied = breaker_.acquire(start_ + milliseconds(400));
  EXPECT_FALSE(denied.is_allowed);
  EXPECT_EQ(denied.retry_in_ms, 600);
}

TEST_F(CircuitBreakerTest, SuccessResetsCount) {
  call(true, start_);
  call(true, start_);
  call(false, start_);
  EXPECT_EQ(breaker_.consecutive_failures(), 0);
  call(true, start_);
  call(true, start_);
  EXPECT_EQ(breaker_.state(start_), BreakerState::kClosed);
}

TEST_F(CircuitBreakerTest, HalfOpenLetsOneTrialThrough) {
  for (int i = 0; i < kThreshold; ++i) {
    call(true, start_);
  }
  const auto later = start_ + milliseconds(kOpenMs);
  EXPECT_EQ(breaker_.state(later), BreakerState::kHalfOpen);
  const BreakerPermit trial = breaker_.acquire(later);
  EXPECT_TRUE(trial.is_allowed);
  EXPECT_TRUE(trial.is_trial);
  EXPECT_FALSE(breaker_.acquire(later).is_allowed);
  EXPECT_FALSE(breaker_.record(trial, false, later, kThreshold, kOpenMs));
  EXPECT_EQ(breaker_.state(later), BreakerState::kClosed);
  EXPECT_TRUE(breaker_.acquire(later).is_allowed);
}

TEST_F(CircuitBreakerTest, FailedTrialReopens) {
  for (int i = 0; i < kThreshold; ++i) {
    call(true, start_);
  }
  const auto later = start_ + milliseconds(kOpenMs + 5);
  const BreakerPermit trial = breaker_.acquire(later);
  ASSERT_TRUE(trial.is_trial);
  EXPECT_TRUE(breaker_.record(trial, true, later, kThreshold, kOpenMs));
  EXPECT_EQ(breaker_.state(later), BreakerState::kOpen);
  EXPECT_FALSE(breaker_.acquire(later + milliseconds(kOpenMs - 1)).is_allowed);
  EXPECT_TRUE(breaker_.acquire(later + milliseconds(kOpenMs)).is_trial);
}

TEST_F(CircuitBreakerTest, LateOutcomesWhileOpenAreIgnored) {
  const BreakerPermit early = breaker_.acquire(start_);
  for (int i = 0; i < kThreshold; ++i) {
    call(true, start_);
  }
  // A call that started before the breaker opened and succeeded afterwards
  // does not close it: only a trial does.
  EXPECT_FALSE(breaker_.record(early, false, start_, kThreshold, kOpenMs));
  EXPECT_EQ(breaker_.state(start_), BreakerState::kOpen);
}

TEST(BreakerStateName, NamesEveryState) {
  EXPECT_EQ(breaker_state_name(BreakerState::kClosed), "closed");
  EXPECT_EQ(breaker_state_name(BreakerState::kOpen), "open");
  EXPECT_EQ(breaker_state_name(BreakerState::kHalfOpen), "half_open");
}

}  // namespace
}  // namespace countryhub::spotify
