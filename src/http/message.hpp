#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <variant>

#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

#include "http/spliced_body.hpp"

namespace countryhub::http {

using Request = boost::beast::http::request<boost::beast::http::string_body>;
using Response = boost::beast::http::response<boost::beast::http::string_body>;

// What the server knows of a request before a handler runs.
struct RequestContext {
  std::string request_id;  // echoed from X-Request-Id when sane, else generated
  std::int64_t received_at_ms = 0;
};

// The status line and fields every response type shares.
using ResponseHeader = boost::beast::http::response_header<>;
// A response whose body is a cached hub sent in place (see SplicedBody).
using SplicedResponse = boost::beast::http::response<SplicedBody>;
// Either kind of response, as a non-blocking handler builds it.
using Outgoing = std::variant<Response, SplicedResponse>;

// Completes a request that a handler took without blocking: called once,
// from any thread, with a function that builds the response. The server runs
// that function on the connection's own thread and sends what it returns.
using Reply = std::function<void(std::function<Outgoing()>)>;

inline constexpr const char* kJsonContentType = "application/json; charset=utf-8";

}  // namespace countryhub::http
