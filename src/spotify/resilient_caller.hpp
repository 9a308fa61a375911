#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "spotify/circuit_breaker.hpp"
#include "spotify/hub_client.hpp"
#include "spotify/proxy_pool.hpp"
#include "spotify/retry_policy.hpp"
#include "spotify/upstream_caller.hpp"

namespace countryhub::spotify {

// Sends upstream calls with retries, a circuit breaker per stage and the
// proxy rotation, all bounded by the fetch's deadline. Per call:
// - transport errors and HTTP 5xx are retried after a full-jitter backoff
//   (ClientConfig::retry_base_ms), up to ClientConfig::max_attempts calls.
//   Retries prefer another route. The server-time call is never retried;
// - a 429 pauses that stage on that route for its Retry-After. The retry
//   goes through another route at once, or sleeps on the same route when
//   the wait is within max_retry_after_wait_ms and the deadline; otherwise
//   the 429 is returned. A call whose every route is paused fails with
//   kRateLimited at once, without calling Spotify;
// - a block or challenge page is retried only through another route;
// - an open breaker fails the call with kCircuitOpen at once.
// Sleeps never hold a lock. Thread-safe.
class ResilientCaller {
 public:
  // `caller` must outlive this object.
  ResilientCaller(UpstreamCaller& caller, const std::vector<std::string>& proxies);

  // Sends `request` as UpstreamCaller::send does, with the behaviour above.
  // Returns the last response when retries run out, so callers classify a
  // final 5xx or 429 themselves.
  FetchResult<HttpResponse> send(UpstreamCall call, HttpRequest request, const CallContext& context,
                                 std::int64_t cap_ms = 0, std::string_view log_fields = {});

  // Records `body` as the replayable hub of `country` when recording.
  void record_hub(std::string_view country, std::string_view body);

  // Replaces the proxy rotation after a reload.
  void configure_routes(const std::vector<std::string>& proxies);

  // Fills the proxy counts and the breaker state of every stage.
  void fill(UpstreamStatus& status) const;

 private:
  struct Attempt {
    Route route;
    BreakerPermit permit;
  };

  struct Outcome {
    FetchResult<HttpResponse> result;
    CallVerdict verdict;
    std::int64_t retry_after_ms;  // the 429's Retry-After, 0 otherwise
  };

  // Returns the route and breaker permit of the next attempt, or the failure
  // when no call may go. Sleeps first when the route's pause is short.
  FetchResult<Attempt> prepare(Stage stage, const std::optional<std::string>& avoid,
                               const CallContext& context);
  // Sends one attempt through its route and records the verdict.
  Outcome call_once(UpstreamCall call, HttpRequest& request, const Attempt& attempt,
                    const CallContext& context, std::int64_t cap_ms, std::string_view log_fields);
  void note_outcome(Stage stage, const Attempt& attempt, CallVerdict verdict,
                    std::int64_t retry_after_ms, const CallContext& context);
  std::optional<std::int64_t> retry_delay(Stage stage, const Attempt& attempt, CallVerdict verdict,
                                          std::int64_t retry_after_ms, int retry,
                                          const CallContext& context);
  CircuitBreaker& breaker(Stage stage);

  UpstreamCaller& caller_;
  ProxyPool pool_;
  std::array<CircuitBreaker, 5> breakers_;  // indexed by Stage
};

}  // namespace countryhub::spotify
