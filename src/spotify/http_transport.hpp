#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "spotify/error.hpp"

namespace countryhub::spotify {

struct HttpRequest {
  std::string method = "GET";  // "GET" or "POST"
  std::string url;
  std::vector<std::string> headers;  // "name: value" lines
  std::string body;                  // sent only with POST
  std::string proxy;  // proxy URL; empty: connect directly, ignoring *_proxy variables
  std::int64_t timeout_ms = 10000;  // whole transfer, connect included
};

// An HTTP response of any status, with the headers the client acts on.
struct HttpResponse {
  int status = 0;
  std::string body;
  std::string content_type;
  std::string retry_after;
  std::string client_token_error;  // `client-token-error`, set when the client token was rejected
  std::int64_t latency_ms = 0;
  bool reused_connection = false;  // no new connection was opened for this transfer
};

// Sends HTTP requests with libcurl. TLS peers and host names are verified,
// redirects are not followed, and only http and https URLs are accepted.
// Easy handles are pooled and reused, so each keeps its open connections for
// later calls. Thread-safe: each call borrows its own handle.
class HttpTransport {
 public:
  HttpTransport();
  ~HttpTransport();
  HttpTransport(const HttpTransport&) = delete;
  HttpTransport& operator=(const HttpTransport&) = delete;

  // Performs `request`. Fails with kTransport when no response arrived: refused
  // or reset connections, DNS or TLS failures, the timeout, or a body larger
  // than kMaxUpstreamBodyBytes. Any HTTP status counts as a response.
  Result<HttpResponse> perform(const HttpRequest& request);

 private:
  struct Pool;
  std::unique_ptr<Pool> pool_;
};

}  // namespace countryhub::spotify
