#pragma once

#include <cstdint>
#include <string>

#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

namespace countryhub::http {

using Request = boost::beast::http::request<boost::beast::http::string_body>;
using Response = boost::beast::http::response<boost::beast::http::string_body>;

// What the server knows of a request before a handler runs.
struct RequestContext {
  std::string request_id;  // echoed from X-Request-Id when sane, else generated
  std::int64_t received_at_ms = 0;
};

inline constexpr const char* kJsonContentType = "application/json; charset=utf-8";

}  // namespace countryhub::http
