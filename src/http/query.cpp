#include "http/query.hpp"

#include <boost/url/parse.hpp>
#include <boost/url/parse_query.hpp>
#include <fmt/format.h>

#include "common/printable.hpp"

namespace countryhub::http {
namespace {

ApiFailure invalid_request(std::string message) {
  return ApiFailure{ApiError::kInvalidRequest, std::move(message)};
}

}  // namespace

ApiResult<Target> parse_target(std::string_view target) {
  auto url = boost::urls::parse_origin_form(target);
  if (!url) {
    return invalid_request("The request target is not a valid path and query; "
                           "percent-encode reserved characters");
  }
  Target parsed;
  // An encoded '/' is data inside a segment, not a separator (RFC 3986,
  // section 2.2). Decoding it would route /api/v1/account%2Fusage to
  // /api/v1/account/usage past proxies that filter paths, so such a path
  // is kept encoded and matches no route.
  const auto encoded_path = url->encoded_path();
  const bool has_encoded_slash = encoded_path.find("%2F") != std::string_view::npos ||
                                 encoded_path.find("%2f") != std::string_view::npos;
  parsed.path = has_encoded_slash ? std::string(encoded_path) : url->path();
  parsed.query = url->encoded_query();
  return parsed;
}

ApiResult<std::optional<std::string>> single_parameter(std::string_view query,
                                                       std::string_view name) {
  // Boost.URL 1.81's parse_query builds its result from strlen(query.data())
  // (boost/url/impl/parse_query.ipp), so a view must be copied to a string
  // that ends where the view ends: otherwise it reads past the view, and
  // crashes on an empty view without a buffer.
  const std::string terminated(query);
  auto params = boost::urls::parse_query(terminated);
  if (!params) {
    return invalid_request("The query string is malformed; percent-encode reserved characters");
  }
  std::optional<std::string> found;
  for (const auto& param : *params) {
    if (param.key.decode() != name) {
      continue;
    }
    if (found) {
      return invalid_request(
          fmt::format("Query parameter '{}' is given more than once; send it once", name));
    }
    found = param.has_value ? param.value.decode() : std::string();
  }
  return found;
}

ApiResult<spotify::Country> validate_country(const std::optional<std::string>& country_code) {
  if (!country_code) {
    return *spotify::find_country("us");
  }
  if (auto country = spotify::find_country(*country_code)) {
    return *country;
  }
  const std::string shown = common::printable_excerpt(*country_code, 16);
  ApiFailure failure{ApiError::kInvalidCountryCode, ""};
  if (const auto hint = spotify::suggest_country(*country_code)) {
    failure.message = fmt::format(
        "country_code '{}' is not a supported market; did you mean '{}'?", shown, *hint);
    failure.context.emplace_back("hint", std::string(*hint));
  } else {
    failure.message = fmt::format(
        "country_code '{}' is not a supported market; use a two-letter code such as 'us' "
        "(supportedCountries in any successful response lists them all)",
        shown);
  }
  return failure;
}

}  // namespace countryhub::http
