#include "http/error_mapping.hpp"

#include <fmt/format.h>

#include "common/printable.hpp"

namespace countryhub::http {
namespace {

ApiError upstream_kind(spotify::Error error) {
  using spotify::Error;
  switch (error) {
    case Error::kHtmlPage:
      return ApiError::kUpstreamChallenge;
    case Error::kInvalidJson:
    case Error::kInvalidUtf8:
    case Error::kPersistedQueryNotFound:
    case Error::kGraphqlErrors:
    case Error::kNoShelves:
    case Error::kEmptyHub:
      return ApiError::kUpstreamUnusable;
    case Error::kCountryMismatch:
      return ApiError::kUpstreamCountryMismatch;
    case Error::kRateLimited:
      return ApiError::kUpstreamRateLimited;
    case Error::kAuthFailed:
    case Error::kNoWorkingSecret:
      return ApiError::kUpstreamAuthFailed;
    case Error::kCircuitOpen:
    case Error::kTransport:
    case Error::kUpstreamStatus:
      return ApiError::kUpstreamFailed;
  }
  return ApiError::kUpstreamFailed;
}

std::string_view upstream_summary(spotify::Error error, ApiError kind) {
  if (error == spotify::Error::kNoWorkingSecret) {
    return "No working web-player TOTP secret was found and the embed-page token failed; "
           "the operator must set --totp-secret and --totp-version";
  }
  if (error == spotify::Error::kCircuitOpen) {
    return "Spotify failed repeatedly, so calls are paused for a short while";
  }
  switch (kind) {
    case ApiError::kUpstreamChallenge:
      return "Spotify answered with a challenge or block page instead of data";
    case ApiError::kUpstreamUnusable:
      return "Spotify's answer could not be used";
    case ApiError::kUpstreamCountryMismatch:
      return "Spotify returned the hub of another country";
    case ApiError::kUpstreamRateLimited:
      return "Spotify is rate limiting this service";
    case ApiError::kUpstreamAuthFailed:
      return "No Spotify web-player token could be obtained";
    default:
      return "Spotify could not be reached or failed";
  }
}

}  // namespace

ApiFailure from_billing(const billing::BillingError& error) {
  using billing::Error;
  switch (error.kind) {
    case Error::kMissingKey:
      return ApiFailure{ApiError::kMissingApiKey, error.message};
    case Error::kInvalidKey:
      return ApiFailure{ApiError::kInvalidApiKey, error.message};
    case Error::kKeyRevoked:
      return ApiFailure{ApiError::kKeyRevoked, error.message};
    case Error::kAccountDisabled:
      return ApiFailure{ApiError::kAccountDisabled, error.message};
    case Error::kCreditsExhausted:
      return ApiFailure{ApiError::kCreditsExhausted, error.message, error.retry_after_seconds};
    case Error::kDailyCapReached:
      return ApiFailure{ApiError::kDailyCapReached, error.message, error.retry_after_seconds};
    case Error::kRateLimited:
      return ApiFailure{ApiError::kRateLimited, error.message, error.retry_after_seconds};
    case Error::kUnknownAccount:
    case Error::kUnknownKey:
    case Error::kInvalidArgument:
    case Error::kAlreadyExists:
    case Error::kStoreFailed:
      break;
  }
  return ApiFailure{ApiError::kInternalError,
                    "Internal error; it was logged with this request id, please report it"};
}

ApiFailure from_upstream(const spotify::FetchFailure& failure) {
  const ApiError kind = upstream_kind(failure.kind);
  const std::string_view stage = spotify::stage_name(failure.stage);
  ApiFailure api{kind,
                 fmt::format("{} (stage {}: {}); nothing was charged, retry later",
                             upstream_summary(failure.kind, kind), stage,
                             common::printable_excerpt(failure.detail, 240))};
  api.context.emplace_back("stage", std::string(stage));
  // Spotify's own Retry-After, or the time until a paused stage tries again.
  const bool has_wait = kind == ApiError::kUpstreamRateLimited ||
                        failure.kind == spotify::Error::kCircuitOpen;
  if (has_wait && failure.retry_after_seconds > 0) {
    api.retry_after_seconds = failure.retry_after_seconds;
  }
  return api;
}

}  // namespace countryhub::http
