#pragma once

#include <map>
#include <string>
#include <utility>
#include <vector>

namespace countryhub::testing {

struct HttpReply {
  long status = 0;  // 0 when the connection failed
  std::map<std::string, std::string> headers;  // names in lower case; last value wins
  std::string body;
};

struct HttpCall {
  std::string method = "GET";
  std::string url = {};
  std::vector<std::pair<std::string, std::string>> headers = {};
  std::string body = {};  // sent when not empty
  long timeout_ms = 30000;
  // Sent as Accept-Encoding, and the answer decoded by libcurl; empty: neither.
  std::string decoded_encoding = {};
};

// Sends one request with libcurl and returns the reply. For tests only.
HttpReply http_call(const HttpCall& call);

inline HttpReply http_get(const std::string& url,
                          std::vector<std::pair<std::string, std::string>> headers = {}) {
  return http_call(HttpCall{"GET", url, std::move(headers), "", 30000, ""});
}

}  // namespace countryhub::testing
