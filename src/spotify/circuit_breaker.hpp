#pragma once

#include <chrono>
#include <cstdint>
#include <mutex>
#include <string_view>

namespace countryhub::spotify {

enum class BreakerState { kClosed, kOpen, kHalfOpen };

// Returns "closed", "open" or "half_open".
std::string_view breaker_state_name(BreakerState state);

// Permission for one upstream call, from CircuitBreaker::acquire.
struct BreakerPermit {
  bool is_allowed = false;
  bool is_trial = false;         // the one call let through while half-open
  std::int64_t retry_in_ms = 0;  // when denied: time until a trial call may go
};

// A circuit breaker for one upstream stage. Closed, it lets every call
// through and counts consecutive failures. At the threshold it opens and
// denies calls for `open_ms`. Then it is half-open: one trial call goes
// through, and its outcome closes the breaker or opens it again. Denied
// calls never reach Spotify and do not count as failures. Times are passed
// in, so tests need no sleeping. Thread-safe.
class CircuitBreaker {
 public:
  using TimePoint = std::chrono::steady_clock::time_point;

  // Returns whether a call may go now. Every allowed permit must be followed
  // by record(), because a trial permit blocks other calls until then.
  BreakerPermit acquire(TimePoint now);

  // Records the outcome of a permitted call. A failure while closed counts
  // towards `failure_threshold`; reaching it opens the breaker for
  // `open_ms`. A trial's outcome closes the breaker or reopens it. Outcomes
  // of calls that started before the breaker opened are ignored. Returns
  // true when this outcome opened the breaker or reopened it.
  bool record(const BreakerPermit& permit, bool is_failure, TimePoint now,
              std::int64_t failure_threshold, std::int64_t open_ms);

  BreakerState state(TimePoint now) const;

  std::int64_t consecutive_failures() const;

 private:
  mutable std::mutex mutex_;  // guards the members below
  bool is_open_ = false;
  bool has_trial_in_flight_ = false;
  std::int64_t failures_ = 0;
  TimePoint open_until_{};
};

}  // namespace countryhub::spotify
