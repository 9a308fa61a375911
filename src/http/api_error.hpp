#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace countryhub::http {

// Every error a client can receive, one per `data.error` of the contract.
enum class ApiError {
  kInvalidCountryCode,       // 400: not two letters or not a supported market
  kInvalidRequest,           // 400: body on GET, malformed query, header too large
  kMissingApiKey,            // 401: no key in x-api-key or Authorization
  kInvalidApiKey,            // 401: malformed, unknown or expired key
  kKeyRevoked,               // 403
  kAccountDisabled,          // 403
  kNotFound,                 // 404: unknown path
  kMethodNotAllowed,         // 405: known path, other method
  kRateLimited,              // 429: per-minute limit of the plan
  kDailyCapReached,          // 429: daily credit cap of the plan
  kCreditsExhausted,         // 429: included credits spent, no overage
  kInternalError,            // 500: our fault, logged with the request id
  kUpstreamFailed,           // 502: Spotify unreachable, timed out or 5xx
  kUpstreamRateLimited,      // 502: Spotify answered 429
  kUpstreamChallenge,        // 502: HTML, captcha or block page
  kUpstreamUnusable,         // 502: invalid JSON or UTF-8, errors without data, no shelves
  kUpstreamAuthFailed,       // 502: no web-player token or client token
  kUpstreamCountryMismatch,  // 502: another country's hub
  kUnavailable,              // 503: shutting down or overloaded
};

// A failure ready to be answered: the kind, the `msg` for people, and the
// members of `data` beside `error` and `requestId` for programs.
struct ApiFailure {
  // boost::system::result needs a default; it is never sent.
  ApiFailure() : ApiFailure(ApiError::kInternalError, "") {}
  ApiFailure(ApiError error_kind, std::string text, std::int64_t retry_after = 0)
      : kind(error_kind), message(std::move(text)), retry_after_seconds(retry_after) {}

  ApiError kind;
  std::string message;
  std::int64_t retry_after_seconds = 0;  // sent as Retry-After and data.retryAfterSeconds when > 0
  // Extra `data` members whose values are strings ("hint", "stage", ...).
  std::vector<std::pair<std::string, std::string>> context;
};

// Returns the HTTP status of `kind`; the one table that maps errors to status.
unsigned status_of(ApiError kind);

// Returns the contract's `data.error` string of `kind`.
std::string_view code_of(ApiError kind);

}  // namespace countryhub::http
