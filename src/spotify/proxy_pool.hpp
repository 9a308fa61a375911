#pragma once

#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "spotify/hub_client.hpp"
#include "spotify/retry_policy.hpp"

namespace countryhub::spotify {

// The `--proxy` value that stands for a direct connection in the rotation.
inline constexpr std::string_view kDirectRoute = "direct";

// One way out to Spotify.
struct Route {
  std::string proxy;  // proxy URL given to libcurl; empty for a direct connection
  std::string label;  // "direct" or the proxy URL without credentials, for logs
};

// The route chosen for the next attempt of an upstream call.
struct RoutePick {
  enum class Kind {
    kUse,     // call through `route` now
    kWait,    // sleep `wait_ms`, then call through `route`
    kPaused,  // every route is paused for this stage for at least `wait_ms`
  };
  Kind kind = Kind::kUse;
  Route route;
  std::int64_t wait_ms = 0;
};

// Returns `url` without the user name and password, for logs.
std::string redact_proxy(std::string_view url);

// The rotation of routes (the configured proxies, or one direct route when
// none is configured) with their health. A route cools down for
// `cooldown_ms` after a connection failure, timeout, block page or 429. It
// is preferred again once that time has passed or a call through it succeeds. A 429 with
// Retry-After also pauses that stage on that route until the time has
// passed. Each stage rotates on its own. Times are passed in. Thread-safe.
class ProxyPool {
 public:
  using TimePoint = std::chrono::steady_clock::time_point;

  explicit ProxyPool(const std::vector<std::string>& proxies);

  // Replaces the routes; routes present before and after keep their state.
  void configure(const std::vector<std::string>& proxies);

  // Picks the next route for `stage` in rotation, preferring a route that
  // is not cooling down and is not `avoid` (the route that just failed).
  // Cooling routes are a last resort, the one that recovers first. When
  // every route is paused for `stage`, the route free first is returned as
  // kWait if that is within `max_wait_ms` and `remaining_ms`, else kPaused.
  RoutePick pick(Stage stage, TimePoint now, const std::optional<std::string>& avoid,
                 std::int64_t max_wait_ms, std::int64_t remaining_ms);

  // Records a call's verdict for the route of `proxy` (empty: direct).
  // `retry_after_ms` is the 429's Retry-After, 0 when absent.
  void record(std::string_view proxy, Stage stage, CallVerdict verdict, std::int64_t retry_after_ms,
              TimePoint now, std::int64_t cooldown_ms);

  // Returns true when a route other than `proxy` is neither paused for
  // `stage` nor cooling down.
  bool has_alternative(std::string_view proxy, Stage stage, TimePoint now) const;

  int proxies_total() const;                 // routes that are proxies
  int proxies_healthy(TimePoint now) const;  // of those, the ones not cooling down

 private:
  static constexpr std::size_t kStageCount = 5;

  struct Entry {
    Route route;
    TimePoint cooling_until{};
    bool is_cooling_logged = false;  // a cool-down was logged and no recovery since
    std::array<TimePoint, kStageCount> paused_until{};
  };

  Entry* find(std::string_view proxy);
  std::optional<std::size_t> choose(Stage stage, TimePoint now,
                                    const std::optional<std::string>& avoid);

  mutable std::mutex mutex_;  // guards the members below
  std::vector<Entry> entries_;
  std::array<std::size_t, kStageCount> cursors_{};
};

}  // namespace countryhub::spotify
