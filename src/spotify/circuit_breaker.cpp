#include "spotify/circuit_breaker.hpp"

#include <algorithm>

namespace countryhub::spotify {
namespace {

// Retry time given to a call denied while a trial runs, because the trial
// closes or reopens the breaker within one call's time.
constexpr std::int64_t kTrialPendingRetryMs = 1000;

std::int64_t millis_between(CircuitBreaker::TimePoint from, CircuitBreaker::TimePoint to) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(to - from).count();
}

}  // namespace

std::string_view breaker_state_name(BreakerState state) {
  switch (state) {
    case BreakerState::kClosed:
      return "closed";
    case BreakerState::kOpen:
      return "open";
    case BreakerState::kHalfOpen:
      return "half_open";
  }
  return "unknown";
}

BreakerPermit CircuitBreaker::acquire(TimePoint now) {
  std::lock_guard lock(mutex_);
  if (!is_open_) {
    return BreakerPermit{true, false, 0};
  }
  if (now < open_until_) {
    return BreakerPermit{false, false, std::max<std::int64_t>(1, millis_between(now, open_until_))};
  }
  if (has_trial_in_flight_) {
    return BreakerPermit{false, false, kTrialPendingRetryMs};
  }
  has_trial_in_flight_ = true;
  return BreakerPermit{true, true, 0};
}

bool CircuitBreaker::record(const BreakerPermit& permit, bool is_failure, TimePoint now,
                            std::int64_t failure_threshold, std::int64_t open_ms) {
  std::lock_guard lock(mutex_);
  if (permit.is_trial) {
    has_trial_in_flight_ = false;
    if (is_failure) {
      open_until_ = now + std::chrono::milliseconds(open_ms);
      return true;
    }
    is_open_ = false;
    failures_ = 0;
    return false;
  }
  if (is_open_) {
    return false;
  }
  if (!is_failure) {
    failures_ = 0;
    return false;
  }
  ++failures_;
  if (failures_ < failure_threshold) {
    return false;
  }
  is_open_ = true;
  open_until_ = now + std::chrono::milliseconds(open_ms);
  return true;
}

BreakerState CircuitBreaker::state(TimePoint now) const {
  std::lock_guard lock(mutex_);
  if (!is_open_) {
    return BreakerState::kClosed;
  }
  return now < open_until_ ? BreakerState::kOpen : BreakerState::kHalfOpen;
}

std::int64_t CircuitBreaker::consecutive_failures() const {
  std::lock_guard lock(mutex_);
  return failures_;
}

}  // namespace countryhub::spotify
