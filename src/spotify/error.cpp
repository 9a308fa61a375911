#include "spotify/error.hpp"

#include <stdexcept>

#include <fmt/format.h>

namespace countryhub::spotify {

std::string_view error_name(Error error) {
  switch (error) {
    case Error::kHtmlPage:
      return "html_page";
    case Error::kInvalidJson:
      return "invalid_json";
    case Error::kInvalidUtf8:
      return "invalid_utf8";
    case Error::kPersistedQueryNotFound:
      return "persisted_query_not_found";
    case Error::kGraphqlErrors:
      return "graphql_errors";
    case Error::kNoShelves:
      return "no_shelves";
    case Error::kEmptyHub:
      return "empty_hub";
    case Error::kCountryMismatch:
      return "country_mismatch";
    case Error::kTransport:
      return "transport";
    case Error::kUpstreamStatus:
      return "upstream_status";
    case Error::kRateLimited:
      return "rate_limited";
    case Error::kAuthFailed:
      return "auth_failed";
    case Error::kNoWorkingSecret:
      return "no_working_secret";
    case Error::kCircuitOpen:
      return "circuit_open";
  }
  return "unknown";
}

void throw_exception_from_error(const UpstreamError& error, const boost::source_location&) {
  throw std::runtime_error(fmt::format("{}: {}", error_name(error.kind), error.detail));
}

}  // namespace countryhub::spotify
