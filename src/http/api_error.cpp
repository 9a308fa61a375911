#include "http/api_error.hpp"

namespace countryhub::http {
namespace {

struct ErrorRow {
  ApiError kind;
  unsigned status;
  std::string_view code;
};

// Order follows the enum, so a lookup is an index.
constexpr ErrorRow kErrorTable[] = {
    {ApiError::kInvalidCountryCode, 400, "invalid_country_code"},
    {ApiError::kInvalidRequest, 400, "invalid_request"},
    {ApiError::kMissingApiKey, 401, "missing_api_key"},
    {ApiError::kInvalidApiKey, 401, "invalid_api_key"},
    {ApiError::kKeyRevoked, 403, "key_revoked"},
    {ApiError::kAccountDisabled, 403, "account_disabled"},
    {ApiError::kNotFound, 404, "not_found"},
    {ApiError::kMethodNotAllowed, 405, "method_not_allowed"},
    {ApiError::kRateLimited, 429, "rate_limited"},
    {ApiError::kDailyCapReached, 429, "daily_cap_reached"},
    {ApiError::kCreditsExhausted, 429, "credits_exhausted"},
    {ApiError::kInternalError, 500, "internal_error"},
    {ApiError::kUpstreamFailed, 502, "upstream_failed"},
    {ApiError::kUpstreamRateLimited, 502, "upstream_rate_limited"},
    {ApiError::kUpstreamChallenge, 502, "upstream_challenge"},
    {ApiError::kUpstreamUnusable, 502, "upstream_unusable"},
    {ApiError::kUpstreamAuthFailed, 502, "upstream_auth_failed"},
    {ApiError::kUpstreamCountryMismatch, 502, "upstream_country_mismatch"},
    {ApiError::kUnavailable, 503, "unavailable"},
};

const ErrorRow& row_of(ApiError kind) {
  const ErrorRow& row = kErrorTable[static_cast<std::size_t>(kind)];
  return row;
}

static_assert(std::size(kErrorTable) == static_cast<std::size_t>(ApiError::kUnavailable) + 1);

}  // namespace

unsigned status_of(ApiError kind) { return row_of(kind).status; }

std::string_view code_of(ApiError kind) { return row_of(kind).code; }

}  // namespace countryhub::http
