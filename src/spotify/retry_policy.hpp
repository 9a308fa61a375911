#pragma once

#include <cstdint>
#include <random>

#include "spotify/http_transport.hpp"
#include "spotify/hub_client.hpp"

namespace countryhub::spotify {

// How one finished upstream call bears on retries, the stage's circuit
// breaker and the health of the proxy it went through.
enum class CallVerdict {
  kAnswered,     // a response the caller handles: 2xx, and 4xx other than 429 and block pages
  kServerError,  // HTTP 5xx: retried with backoff, a breaker failure
  kTransport,    // no response (refused, reset, timed out): retried, a breaker failure
  kBlocked,      // a block or challenge page: retried only through another route
  kRateLimited,  // HTTP 429: Retry-After is honoured or the route is paused
};

// Returns the verdict on a call's outcome. `expects_json` is false for the
// HTML and JavaScript pages (embed page, web-player page and bundle), where
// a 2xx HTML body is the normal answer. A 403 with an HTML body, and any
// answer carrying a known block or captcha marker, is kBlocked.
CallVerdict judge_call(const FetchResult<HttpResponse>& result, bool expects_json);

// Returns true when `verdict` counts as a failure for the circuit breaker.
// 429 does not: Spotify answered, and Retry-After already paces the client.
bool is_breaker_failure(CallVerdict verdict);

// Returns the wait before retry number `retry` (1 for the first retry):
// uniformly random in [0, min(kMaxBackoffMs, base_ms * 2^(retry-1))], the
// "full jitter" backoff, so clients that failed together do not retry
// together.
std::int64_t backoff_delay_ms(int retry, std::int64_t base_ms, std::mt19937_64& random);

// Returns the generator of the calling thread, seeded once per thread.
std::mt19937_64& thread_random();

}  // namespace countryhub::spotify
