#include "billing/minute_limiter.hpp"

#include <algorithm>

namespace countryhub::billing {

MinuteLimiter::Shard& MinuteLimiter::shard_of(std::int64_t account_id) {
  return shards_[static_cast<std::uint64_t>(account_id) % shards_.size()];
}

void MinuteLimiter::expire(std::deque<std::int64_t>& window, std::int64_t now_ms) {
  // A request at t counts until t + 60 s, exclusive.
  while (!window.empty() && window.front() + kWindowMs <= now_ms) {
    window.pop_front();
  }
}

MinuteDecision MinuteLimiter::describe(const std::deque<std::int64_t>& window, std::int64_t limit,
                                       std::int64_t now_ms, bool is_allowed) {
  MinuteDecision decision;
  decision.is_allowed = is_allowed;
  decision.limit = limit;
  decision.remaining = std::max<std::int64_t>(0, limit - static_cast<std::int64_t>(window.size()));
  if (!window.empty()) {
    // When the window is over the limit (the plan was lowered), the request
    // that frees a slot is not the oldest one but the one `limit` from the end.
    const std::size_t over = window.size() >= static_cast<std::size_t>(limit) && limit > 0
                                 ? window.size() - static_cast<std::size_t>(limit)
                                 : 0;
    decision.reset_ms = window[is_allowed ? 0 : over] + kWindowMs - now_ms;
  }
  return decision;
}

void MinuteLimiter::sweep(Shard& shard, std::int64_t now_ms) {
  if (now_ms - shard.last_sweep_ms < kWindowMs) {
    return;
  }
  shard.last_sweep_ms = now_ms;
  std::erase_if(shard.windows, [now_ms](const auto& entry) {
    return entry.second.empty() || entry.second.back() + kWindowMs <= now_ms;
  });
}

MinuteDecision MinuteLimiter::try_acquire(std::int64_t account_id, std::int64_t limit,
                                          std::int64_t now_ms) {
  Shard& shard = shard_of(account_id);
  std::lock_guard lock(shard.mutex);
  sweep(shard, now_ms);
  std::deque<std::int64_t>& window = shard.windows[account_id];
  expire(window, now_ms);
  if (static_cast<std::int64_t>(window.size()) >= limit) {
    return describe(window, limit, now_ms, false);
  }
  window.push_back(now_ms);
  return describe(window, limit, now_ms, true);
}

MinuteDecision MinuteLimiter::peek(std::int64_t account_id, std::int64_t limit,
                                   std::int64_t now_ms) {
  Shard& shard = shard_of(account_id);
  std::lock_guard lock(shard.mutex);
  const auto found = shard.windows.find(account_id);
  if (found == shard.windows.end()) {
    return describe({}, limit, now_ms, true);
  }
  expire(found->second, now_ms);
  return describe(found->second, limit, now_ms, true);
}

}  // namespace countryhub::billing
