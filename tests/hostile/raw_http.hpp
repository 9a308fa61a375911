#pragma once

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace countryhub::testing {

// One HTTP response as it came off the wire.
struct RawResponse {
  std::string version;  // "HTTP/1.1" or "HTTP/1.0"
  int status = 0;
  std::map<std::string, std::string> headers;  // names in lower case; last value wins
  std::string body;

  // Returns the value of header `lower_case_name`, or "" when it is absent.
  std::string header(const std::string& lower_case_name) const {
    const auto found = headers.find(lower_case_name);
    return found == headers.end() ? "" : found->second;
  }
};

// A plain TCP connection to 127.0.0.1 that sends exactly the bytes it is
// given, so tests can send what no HTTP library would: broken framing,
// pipelined requests, a byte at a time. Not thread-safe.
class RawConnection {
 public:
  // Connects to 127.0.0.1:`port`; throws std::runtime_error when the
  // connection cannot be made.
  explicit RawConnection(unsigned short port);
  ~RawConnection();
  RawConnection(RawConnection&& other) noexcept;
  RawConnection& operator=(RawConnection&& other) noexcept;
  RawConnection(const RawConnection&) = delete;
  RawConnection& operator=(const RawConnection&) = delete;

  // Sends all of `bytes`; returns false when the server closed or reset the
  // connection first.
  bool send(std::string_view bytes);

  // Reads one response framed by Content-Length, or by the end of the
  // connection when it has none. Returns nullopt when the connection ends
  // before a whole response or `timeout` passes; throws std::runtime_error
  // when the bytes are not an HTTP response.
  std::optional<RawResponse> read_response(std::chrono::milliseconds timeout);

  // Waits until the server closes the connection; returns false when
  // `timeout` passes first or when bytes of another response arrive.
  bool wait_closed(std::chrono::milliseconds timeout);

  // Returns whether any byte or the end of the connection arrives within
  // `timeout`, without consuming it.
  bool has_input(std::chrono::milliseconds timeout);

  // Closes the socket now.
  void close();

  int fd() const { return fd_; }

 private:
  // Reads what is available into buffer_; returns false on the end of the
  // connection, a reset, or when nothing arrives before `deadline`.
  bool fill(std::chrono::steady_clock::time_point deadline);

  int fd_ = -1;
  bool is_closed_by_peer_ = false;
  std::string buffer_;
};

// Builds "GET TARGET HTTP/1.1" with Host and `extra_headers` (complete
// "Name: value\r\n" lines) and the blank line that ends the head.
std::string get_request(std::string_view target, std::string_view extra_headers = "");

}  // namespace countryhub::testing
