#include "hostile/raw_http.hpp"

#include <algorithm>
#include <arpa/inet.h>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdexcept>
#include <sys/socket.h>
#include <unistd.h>
#include <utility>

namespace countryhub::testing {
namespace {

std::string lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) {
    text.remove_prefix(1);
  }
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) {
    text.remove_suffix(1);
  }
  return text;
}

// Parses the status line and header lines of `head` (without the blank line).
RawResponse parse_head(std::string_view head) {
  RawResponse response;
  const auto line_end = head.find("\r\n");
  const std::string_view status_line = head.substr(0, line_end);
  if (!status_line.starts_with("HTTP/1.") || status_line.size() < 12 || status_line[8] != ' ') {
    throw std::runtime_error("not an HTTP status line: " + std::string(status_line));
  }
  response.version = std::string(status_line.substr(0, 8));
  const auto [end, ec] =
      std::from_chars(status_line.data() + 9, status_line.data() + 12, response.status);
  if (ec != std::errc{} || end != status_line.data() + 12) {
    throw std::runtime_error("invalid status code in: " + std::string(status_line));
  }
  std::string_view rest = line_end == std::string_view::npos ? "" : head.substr(line_end + 2);
  while (!rest.empty()) {
    const auto next = rest.find("\r\n");
    const std::string_view line = rest.substr(0, next);
    const auto colon = line.find(':');
    if (colon == std::string_view::npos) {
      throw std::runtime_error("header line without a colon: " + std::string(line));
    }
    response.headers[lower(line.substr(0, colon))] = std::string(trim(line.substr(colon + 1)));
    rest = next == std::string_view::npos ? "" : rest.substr(next + 2);
  }
  return response;
}

}  // namespace

RawConnection::RawConnection(unsigned short port) {
  fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd_ < 0) {
    throw std::runtime_error("socket() failed: errno " + std::to_string(errno));
  }
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd_, reinterpret_cast<const sockaddr*>(&address), sizeof(address)) != 0) {
    const int error = errno;
    ::close(fd_);
    fd_ = -1;
    throw std::runtime_error("connect to 127.0.0.1:" + std::to_string(port) + " failed: errno " +
                             std::to_string(error));
  }
  // Small writes must leave at once, so a byte-at-a-time client really
  // sends one byte per segment.
  const int on = 1;
  ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &on, sizeof(on));
}

RawConnection::~RawConnection() { close(); }

RawConnection::RawConnection(RawConnection&& other) noexcept
    : fd_(std::exchange(other.fd_, -1)),
      is_closed_by_peer_(other.is_closed_by_peer_),
      buffer_(std::move(other.buffer_)) {}

RawConnection& RawConnection::operator=(RawConnection&& other) noexcept {
  if (this != &other) {
    close();
    fd_ = std::exchange(other.fd_, -1);
    is_closed_by_peer_ = other.is_closed_by_peer_;
    buffer_ = std::move(other.buffer_);
  }
  return *this;
}

void RawConnection::close() {
  if (fd_ >= 0) {
    ::close(fd_);
    fd_ = -1;
  }
}

bool RawConnection::send(std::string_view bytes) {
  while (!bytes.empty()) {
    const ssize_t sent = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (sent < 0 && errno == EINTR) {
      continue;
    }
    if (sent <= 0) {
      return false;
    }
    bytes.remove_prefix(static_cast<std::size_t>(sent));
  }
  return true;
}

bool RawConnection::fill(std::chrono::steady_clock::time_point deadline) {
  if (is_closed_by_peer_) {
    return false;
  }
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
      deadline - std::chrono::steady_clock::now());
  pollfd waiting{fd_, POLLIN, 0};
  if (::poll(&waiting, 1, static_cast<int>(std::max<std::int64_t>(left.count(), 0))) <= 0) {
    return false;
  }
  char chunk[16384];
  const ssize_t received = ::recv(fd_, chunk, sizeof(chunk), 0);
  if (received <= 0) {
    is_closed_by_peer_ = true;
    return false;
  }
  buffer_.append(chunk, static_cast<std::size_t>(received));
  return true;
}

std::optional<RawResponse> RawConnection::read_response(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  std::size_t head_end = std::string::npos;
  while ((head_end = buffer_.find("\r\n\r\n")) == std::string::npos) {
    if (!fill(deadline)) {
      return std::nullopt;
    }
  }

  RawResponse response = parse_head(std::string_view(buffer_).substr(0, head_end));
  const std::size_t body_start = head_end + 4;
  const auto length_header = response.headers.find("content-length");
  if (length_header == response.headers.end()) {
    // Without a length the body runs to the end of the connection.
    while (fill(deadline)) {
    }
    if (!is_closed_by_peer_) {
      return std::nullopt;
    }
    response.body = buffer_.substr(body_start);
    buffer_.clear();
    return response;
  }

  std::size_t length = 0;
  const std::string& text = length_header->second;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), length);
  if (ec != std::errc{} || end != text.data() + text.size()) {
    throw std::runtime_error("invalid Content-Length: " + text);
  }

  while (buffer_.size() < body_start + length) {
    if (!fill(deadline)) {
      return std::nullopt;
    }
  }
  response.body = buffer_.substr(body_start, length);
  buffer_.erase(0, body_start + length);
  return response;
}

bool RawConnection::wait_closed(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (fill(deadline)) {
  }
  return is_closed_by_peer_ && buffer_.empty();
}

bool RawConnection::has_input(std::chrono::milliseconds timeout) {
  if (!buffer_.empty() || is_closed_by_peer_) {
    return true;
  }
  pollfd waiting{fd_, POLLIN, 0};
  return ::poll(&waiting, 1, static_cast<int>(timeout.count())) > 0;
}

std::string get_request(std::string_view target, std::string_view extra_headers) {
  std::string request = "GET ";
  request += target;
  request += " HTTP/1.1\r\nHost: 127.0.0.1\r\n";
  request += extra_headers;
  request += "\r\n";
  return request;
}

}  // namespace countryhub::testing
