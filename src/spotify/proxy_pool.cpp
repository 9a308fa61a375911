#include "spotify/proxy_pool.hpp"

#include <algorithm>

#include "common/logging.hpp"

namespace countryhub::spotify {
namespace {

std::int64_t millis_between(ProxyPool::TimePoint from, ProxyPool::TimePoint to) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(to - from).count();
}

Route make_route(const std::string& configured) {
  if (configured == kDirectRoute) {
    return Route{"", std::string(kDirectRoute)};
  }
  return Route{configured, redact_proxy(configured)};
}

std::string_view verdict_reason(CallVerdict verdict) {
  switch (verdict) {
    case CallVerdict::kTransport:
      return "transport";
    case CallVerdict::kBlocked:
      return "blocked";
    case CallVerdict::kRateLimited:
      return "rate_limited";
    default:
      return "other";
  }
}

}  // namespace

std::string redact_proxy(std::string_view url) {
  const std::size_t scheme_end = url.find("://");
  const std::size_t authority = scheme_end == std::string_view::npos ? 0 : scheme_end + 3;
  const std::size_t path = url.find('/', authority);
  const std::size_t at = url.rfind('@', path == std::string_view::npos ? url.size() : path);
  std::string redacted(url.substr(0, authority));
  if (at != std::string_view::npos && at >= authority) {
    redacted += url.substr(at + 1);
  } else {
    redacted += url.substr(authority);
  }
  while (!redacted.empty() && redacted.back() == '/') {
    redacted.pop_back();
  }
  return redacted;
}

ProxyPool::ProxyPool(const std::vector<std::string>& proxies) { configure(proxies); }

void ProxyPool::configure(const std::vector<std::string>& proxies) {
  std::vector<std::string> requested = proxies;
  if (requested.empty()) {
    requested.emplace_back(kDirectRoute);
  }
  std::lock_guard lock(mutex_);
  std::vector<Entry> entries;
  for (const std::string& configured : requested) {
    const Route route = make_route(configured);
    const bool is_duplicate = std::any_of(entries.begin(), entries.end(), [&](const Entry& entry) {
      return entry.route.proxy == route.proxy;
    });
    if (is_duplicate) {
      continue;
    }
    const Entry* existing = find(route.proxy);
    entries.push_back(existing != nullptr ? *existing : Entry{route});
  }
  entries_ = std::move(entries);
}

ProxyPool::Entry* ProxyPool::find(std::string_view proxy) {
  const auto found = std::find_if(entries_.begin(), entries_.end(),
                                  [&](const Entry& entry) { return entry.route.proxy == proxy; });
  return found == entries_.end() ? nullptr : &*found;
}

std::optional<std::size_t> ProxyPool::choose(Stage stage, TimePoint now,
                                             const std::optional<std::string>& avoid) {
  const auto s = static_cast<std::size_t>(stage);
  const std::size_t count = entries_.size();
  const std::size_t start = cursors_[s]++ % count;
  std::optional<std::size_t> avoided;
  std::optional<std::size_t> cooling;
  for (std::size_t step = 0; step < count; ++step) {
    const std::size_t index = (start + step) % count;
    const Entry& entry = entries_[index];
    if (now < entry.paused_until[s]) {
      continue;
    }
    if (now < entry.cooling_until) {
      if (!cooling || entry.cooling_until < entries_[*cooling].cooling_until) {
        cooling = index;
      }
      continue;
    }
    if (avoid && entry.route.proxy == *avoid) {
      avoided = avoided.value_or(index);
      continue;
    }
    return index;
  }
  return avoided ? avoided : cooling;
}

RoutePick ProxyPool::pick(Stage stage, TimePoint now, const std::optional<std::string>& avoid,
                          std::int64_t max_wait_ms, std::int64_t remaining_ms) {
  std::lock_guard lock(mutex_);
  if (const std::optional<std::size_t> index = choose(stage, now, avoid)) {
    return RoutePick{RoutePick::Kind::kUse, entries_[*index].route, 0};
  }
  const auto s = static_cast<std::size_t>(stage);
  const auto first_free = std::min_element(
      entries_.begin(), entries_.end(),
      [s](const Entry& a, const Entry& b) { return a.paused_until[s] < b.paused_until[s]; });
  const std::int64_t wait_ms =
      std::max<std::int64_t>(1, millis_between(now, first_free->paused_until[s]));
  const bool can_wait = wait_ms <= max_wait_ms && wait_ms < remaining_ms;
  return RoutePick{can_wait ? RoutePick::Kind::kWait : RoutePick::Kind::kPaused, first_free->route,
                   wait_ms};
}

void ProxyPool::record(std::string_view proxy, Stage stage, CallVerdict verdict,
                       std::int64_t retry_after_ms, TimePoint now, std::int64_t cooldown_ms) {
  const auto log = common::logger("spotify");
  std::lock_guard lock(mutex_);
  Entry* entry = find(proxy);
  if (entry == nullptr) {
    return;  // the route was removed by a reload while the call ran
  }
  if (verdict == CallVerdict::kAnswered) {
    entry->cooling_until = {};
    if (entry->is_cooling_logged) {
      entry->is_cooling_logged = false;
      log->info("route_recovered route={}", entry->route.label);
    }
    return;
  }
  if (verdict == CallVerdict::kRateLimited && retry_after_ms > 0) {
    const auto s = static_cast<std::size_t>(stage);
    entry->paused_until[s] =
        std::max(entry->paused_until[s], now + std::chrono::milliseconds(retry_after_ms));
    log->warn("route_paused stage={} route={} retry_after_ms={}", stage_name(stage),
              entry->route.label, retry_after_ms);
  }
  if (verdict == CallVerdict::kServerError) {
    return;  // Spotify's own failure is no sign of a bad route
  }
  const bool was_cooling = now < entry->cooling_until;
  entry->cooling_until =
      std::max(entry->cooling_until, now + std::chrono::milliseconds(cooldown_ms));
  // A single route has nothing to rotate to, so its cool-down is not news.
  if (!was_cooling && entries_.size() > 1) {
    entry->is_cooling_logged = true;
    log->warn("route_cooling_down route={} reason={} cooldown_ms={}", entry->route.label,
              verdict_reason(verdict), cooldown_ms);
  }
}

bool ProxyPool::has_alternative(std::string_view proxy, Stage stage, TimePoint now) const {
  const auto s = static_cast<std::size_t>(stage);
  std::lock_guard lock(mutex_);
  return std::any_of(entries_.begin(), entries_.end(), [&](const Entry& entry) {
    return entry.route.proxy != proxy && now >= entry.paused_until[s] && now >= entry.cooling_until;
  });
}

int ProxyPool::proxies_total() const {
  std::lock_guard lock(mutex_);
  return static_cast<int>(std::count_if(entries_.begin(), entries_.end(), [](const Entry& entry) {
    return !entry.route.proxy.empty();
  }));
}

int ProxyPool::proxies_healthy(TimePoint now) const {
  std::lock_guard lock(mutex_);
  return static_cast<int>(std::count_if(entries_.begin(), entries_.end(), [&](const Entry& entry) {
    return !entry.route.proxy.empty() && now >= entry.cooling_until;
  }));
}

}  // namespace countryhub::spotify
