#pragma once

#include <string>
#include <string_view>

#include <boost/assert/source_location.hpp>
#include <boost/system/result.hpp>

namespace countryhub::spotify {

// Why an upstream answer could not become a hub. The HTTP layer maps each
// kind to a 502 `data.error`; the stage says which upstream call failed.
enum class Error {
  kHtmlPage,                // an HTML page (block, captcha, login) where JSON was expected
  kInvalidJson,             // the body is not JSON, or is cut short
  kInvalidUtf8,             // the body is JSON-shaped but not valid UTF-8
  kPersistedQueryNotFound,  // `errors` without data naming an unknown persisted query hash
  kGraphqlErrors,           // `errors` without data for any other reason (ValidationError, ...)
  kNoShelves,               // JSON without a country hub or any section container
  kEmptyHub,                // shelves exist but none holds a usable item after drops
  kCountryMismatch,         // the hub is for another country than the one requested
  kTransport,               // connection failed, timed out, or the body was too large
  kUpstreamStatus,          // an HTTP status other than success that no other kind covers
  kRateLimited,             // HTTP 429 from Spotify
  kAuthFailed,              // no web-player token or client token could be obtained
  // No TOTP secret works (every candidate from the configuration and the
  // web-player bundle was rejected, or none was found) and the embed-page
  // token failed too. Operators fix it with --totp-secret/--totp-version.
  kNoWorkingSecret,
  // The stage's circuit breaker is open after repeated failures, so the
  // call failed at once without reaching Spotify.
  kCircuitOpen,
};

// Returns the stable snake_case name of `error`, used in logs and tests.
std::string_view error_name(Error error);

// An upstream failure with a human-readable detail, such as the GraphQL
// messages or the first bytes of an unexpected page.
struct UpstreamError {
  Error kind;
  std::string detail;
};

// Throws std::runtime_error carrying the detail; boost::system::result calls it
// when value() is used on a failed result.
[[noreturn]] void throw_exception_from_error(const UpstreamError& error,
                                             const boost::source_location& location);

template <class T>
using Result = boost::system::result<T, UpstreamError>;

}  // namespace countryhub::spotify
