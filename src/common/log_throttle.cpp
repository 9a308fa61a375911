#include "common/log_throttle.hpp"

namespace countryhub::common {
namespace {

// Keys beyond this are forgotten at once, so a flood of distinct keys
// cannot grow the table without bound.
constexpr std::size_t kMaxKeys = 10'000;

}  // namespace

std::int64_t LogThrottle::admit(std::int64_t key, std::int64_t now_ms) {
  std::lock_guard lock(mutex_);
  if (windows_.size() >= kMaxKeys && !windows_.contains(key)) {
    windows_.clear();
  }
  Window& window = windows_[key];
  if (window.logged == 0 || now_ms - window.started_ms >= interval_ms_) {
    window.started_ms = now_ms;
    window.logged = 0;
  }
  if (window.logged >= burst_) {
    ++window.skipped;
    return -1;
  }
  ++window.logged;
  const std::int64_t skipped = window.skipped;
  window.skipped = 0;
  return skipped;
}

}  // namespace countryhub::common
