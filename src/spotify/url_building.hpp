#pragma once

#include <string>
#include <string_view>

namespace countryhub::spotify {

// Joins a configured base URL and a path starting with '/', dropping the
// base's trailing slashes so both "http://host" and "http://host/" work.
std::string join_url(std::string_view base, std::string_view path);

// Percent-encodes every byte except RFC 3986 unreserved characters, for
// query-string values.
std::string percent_encode(std::string_view text);

}  // namespace countryhub::spotify
