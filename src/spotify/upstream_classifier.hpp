#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include <boost/json/value.hpp>

#include "spotify/http_transport.hpp"
#include "spotify/hub_client.hpp"

namespace countryhub::spotify {

// Retry-After values above this are capped, because a day is the longest
// value reported from Spotify's Web API.
inline constexpr std::int64_t kMaxRetryAfterSeconds = 86400;

// Returns true for an HTML page: a `text/html` content type, or a body whose
// first non-space byte is '<' (JSON never starts with it).
bool looks_like_html(std::string_view body, std::string_view content_type);

// Returns true when `body` names a known block or captcha marker ("URL
// Blocked", "captcha", "Access Denied", ...), in any case.
bool has_block_marker(std::string_view body);

// Returns true for a block or challenge page: an HTML page (see
// looks_like_html), or a body that is not JSON and names a known block or
// captcha marker ("URL Blocked", "captcha", "Access Denied", ...). JSON
// bodies are never matched, because hub titles may contain these words.
bool looks_like_block_page(std::string_view body, std::string_view content_type);

// Returns true when a response of any status is a block or challenge page:
// looks_like_block_page, or a 403 whose non-empty body is not JSON.
bool is_block_response(const HttpResponse& response);

// Parses a Retry-After value, delay seconds or an HTTP date, into seconds
// from `now_unix_seconds`. Returns 0 when it is absent, invalid or past, and
// caps it at kMaxRetryAfterSeconds.
std::int64_t parse_retry_after(std::string_view value, std::int64_t now_unix_seconds);

// Returns up to 120 bytes of `body` with control and non-ASCII bytes and
// runs of spaces squeezed to one space, for error details and logs.
std::string quote_body(std::string_view body);

// Classifies a response whose status is not 2xx, from the upstream `call`
// ("token", "pathfinder_v2", ...). HTTP 429 is kRateLimited with its
// Retry-After. A block or challenge page, and a 403 whose non-empty body is
// not JSON, is kHtmlPage. Other 401 and 403 responses are kAuthFailed, and
// everything else is kUpstreamStatus.
FetchFailure classify_status(Stage stage, std::string_view call, const HttpResponse& response);

// Parses a 2xx body that must be JSON. Fails with kHtmlPage for a block or
// challenge page, kInvalidUtf8 or kInvalidJson otherwise, all at `stage`.
FetchResult<boost::json::value> parse_json_body(Stage stage, std::string_view call,
                                                const HttpResponse& response);

// Returns the request's country code upper-cased, or the failure for a code
// that is not two ASCII letters: kCountryMismatch at stage pathfinder, since
// no hub can match it. The HTTP layer rejects such codes before this.
FetchResult<std::string> request_country(std::string_view code);

// Normalizes a Pathfinder 2xx body and checks that the hub is the requested
// country's. GraphQL errors, stale hashes and HTML pages fail at stage
// pathfinder, because the gateway rejected the query. Bodies that cannot be
// read or contain no usable hub, and another country's hub, fail at stage parse.
FetchResult<HubDocument> read_hub_body(std::string_view body, const NormalizeOptions& options);

}  // namespace countryhub::spotify
