#pragma once

#include <cstdint>
#include <mutex>
#include <unordered_map>

namespace countryhub::common {

// Decides which lines of a repeating event get logged: per key (an account,
// say), the first `burst` in each interval, then none until the interval
// ends. The first line after a quiet spell reports how many were skipped.
// Thread-safe.
class LogThrottle {
 public:
  LogThrottle(int burst, std::int64_t interval_ms) : burst_(burst), interval_ms_(interval_ms) {}

  // Returns -1 when the line for `key` at `now_ms` should be skipped, else
  // the number of lines skipped for `key` since the last one logged.
  std::int64_t admit(std::int64_t key, std::int64_t now_ms);

 private:
  struct Window {
    std::int64_t started_ms = 0;
    int logged = 0;
    std::int64_t skipped = 0;
  };

  const int burst_;
  const std::int64_t interval_ms_;
  std::mutex mutex_;
  std::unordered_map<std::int64_t, Window> windows_;
};

}  // namespace countryhub::common
