#pragma once

#include <array>
#include <cstdint>
#include <deque>
#include <mutex>
#include <unordered_map>

namespace countryhub::billing {

// A limiter decision, with what the RateLimit headers report.
struct MinuteDecision {
  bool is_allowed = false;
  std::int64_t limit = 0;
  std::int64_t remaining = 0;  // requests still allowed in the current window, after this one
  // Milliseconds until the oldest counted request leaves the window, which
  // is when a refused request would pass; 0 when nothing is counted.
  std::int64_t reset_ms = 0;
};

// Counts requests per account in a sliding 60-second window: a request
// passes when fewer than `limit` requests of the account passed in the 60 s
// before it. Unlike a token bucket, no 60 s span ever holds more than
// `limit` requests, window edges included. Exact under concurrency (one lock
// per shard of accounts); thread-safe. Memory: at most `limit` timestamps
// per account active in the last minute.
class MinuteLimiter {
 public:
  static constexpr std::int64_t kWindowMs = 60'000;

  MinuteDecision try_acquire(std::int64_t account_id, std::int64_t limit, std::int64_t now_ms);

  // Returns the state without counting a request (for responses that are
  // not limited, such as errors raised before the limiter).
  MinuteDecision peek(std::int64_t account_id, std::int64_t limit, std::int64_t now_ms);

 private:
  struct Shard {
    std::mutex mutex;
    std::unordered_map<std::int64_t, std::deque<std::int64_t>> windows;
    std::int64_t last_sweep_ms = 0;
  };

  Shard& shard_of(std::int64_t account_id);
  static void expire(std::deque<std::int64_t>& window, std::int64_t now_ms);
  static MinuteDecision describe(const std::deque<std::int64_t>& window, std::int64_t limit,
                                 std::int64_t now_ms, bool is_allowed);
  // Drops accounts idle for a whole window, at most once a window per shard.
  static void sweep(Shard& shard, std::int64_t now_ms);

  std::array<Shard, 16> shards_;
};

}  // namespace countryhub::billing
