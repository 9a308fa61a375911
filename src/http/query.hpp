#pragma once

#include <optional>
#include <string>
#include <string_view>

#include <boost/system/result.hpp>

#include "http/api_error.hpp"
#include "spotify/countries.hpp"

namespace countryhub::http {

template <class T>
using ApiResult = boost::system::result<T, ApiFailure>;

// A request target split into its decoded path and raw query.
struct Target {
  std::string path;
  std::string query;  // without '?', still percent-encoded
};

// Splits an origin-form target ("/path?query"). Fails with invalid_request
// when the target is not valid origin form or the path has bad escapes.
ApiResult<Target> parse_target(std::string_view target);

// Returns the decoded value of the one parameter `name` of `query`, nullopt
// when absent. Fails with invalid_request when the query is malformed or names
// the parameter more than once, since either value could be meant.
ApiResult<std::optional<std::string>> single_parameter(std::string_view query,
                                                       std::string_view name);

// Validates `country_code` (absent means "us"): two ASCII letters in any case
// that name a supported market. Fails with invalid_country_code and a `hint`
// when an obvious correction exists ("uk" gives "gb").
ApiResult<spotify::Country> validate_country(const std::optional<std::string>& country_code);

}  // namespace countryhub::http
