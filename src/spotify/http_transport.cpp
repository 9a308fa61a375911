#include "spotify/http_transport.hpp"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <string_view>

#include <curl/curl.h>
#include <fmt/format.h>

#include "spotify/client_defaults.hpp"

namespace countryhub::spotify {
namespace {

// Idle handles kept for reuse. Calls beyond this many at once still get a
// handle, which is closed when they finish.
constexpr std::size_t kMaxIdleHandles = 16;

// A desktop browser's user agent: the web-player endpoints serve clients
// that look like the web player.
constexpr const char* kUserAgent =
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/126.0.0.0 Safari/537.36";

void initialize_curl_once() {
  static std::once_flag flag;
  std::call_once(flag, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

bool equals_ignoring_case(std::string_view left, std::string_view right) {
  return std::equal(left.begin(), left.end(), right.begin(), right.end(), [](char a, char b) {
    return std::tolower(static_cast<unsigned char>(a)) ==
           std::tolower(static_cast<unsigned char>(b));
  });
}

std::string_view trim(std::string_view text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front()))) {
    text.remove_prefix(1);
  }
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) {
    text.remove_suffix(1);
  }
  return text;
}

struct Transfer {
  HttpResponse response;
  bool is_too_large = false;
};

std::size_t append_body(char* data, std::size_t size, std::size_t count, void* user) {
  auto& transfer = *static_cast<Transfer*>(user);
  const std::size_t bytes = size * count;
  if (transfer.response.body.size() + bytes > kMaxUpstreamBodyBytes) {
    transfer.is_too_large = true;
    return 0;  // makes libcurl abort the transfer with CURLE_WRITE_ERROR
  }
  transfer.response.body.append(data, bytes);
  return bytes;
}

std::size_t read_header(char* data, std::size_t size, std::size_t count, void* user) {
  auto& response = static_cast<Transfer*>(user)->response;
  const std::string_view line(data, size * count);
  // A status line starts a new header block (after `100 Continue` or a
  // proxy's CONNECT response). Only the final block describes the body.
  if (line.starts_with("HTTP/")) {
    response.content_type.clear();
    response.retry_after.clear();
    response.client_token_error.clear();
    return line.size();
  }
  const std::size_t colon = line.find(':');
  if (colon == std::string_view::npos) {
    return line.size();
  }
  const std::string_view name = trim(line.substr(0, colon));
  const std::string value(trim(line.substr(colon + 1)));
  if (equals_ignoring_case(name, "content-type")) {
    response.content_type = value;
  } else if (equals_ignoring_case(name, "retry-after")) {
    response.retry_after = value;
  } else if (equals_ignoring_case(name, "client-token-error")) {
    response.client_token_error = value;
  }
  return line.size();
}

using HeaderList = std::unique_ptr<curl_slist, decltype(&curl_slist_free_all)>;

HeaderList build_header_list(const HttpRequest& request) {
  curl_slist* list = nullptr;
  for (const std::string& header : request.headers) {
    list = curl_slist_append(list, header.c_str());
  }
  // Without this libcurl may wait for `100 Continue` before sending a body.
  list = curl_slist_append(list, "Expect:");
  return HeaderList(list, &curl_slist_free_all);
}

void set_options(CURL* curl, const HttpRequest& request, curl_slist* headers, Transfer& transfer,
                 char* error_buffer) {
  curl_easy_setopt(curl, CURLOPT_URL, request.url.c_str());
  curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS,
                   static_cast<long>(std::max<std::int64_t>(1, request.timeout_ms)));
  curl_easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, 1L);
  curl_easy_setopt(curl, CURLOPT_SSL_VERIFYHOST, 2L);
  // An empty string turns proxies off, including ones named by environment
  // variables, so "no proxy configured" really means a direct connection.
  curl_easy_setopt(curl, CURLOPT_PROXY, request.proxy.c_str());
  // An empty list also overrides a no_proxy environment variable, so a
  // configured proxy carries every call, loopback hosts included.
  curl_easy_setopt(curl, CURLOPT_NOPROXY, "");
  curl_easy_setopt(curl, CURLOPT_TCP_KEEPALIVE, 1L);
  curl_easy_setopt(curl, CURLOPT_ACCEPT_ENCODING, "");
  curl_easy_setopt(curl, CURLOPT_USERAGENT, kUserAgent);
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, error_buffer);
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, &append_body);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &transfer);
  curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, &read_header);
  curl_easy_setopt(curl, CURLOPT_HEADERDATA, &transfer);
  if (request.method == "POST") {
    curl_easy_setopt(curl, CURLOPT_POST, 1L);
    curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE,
                     static_cast<curl_off_t>(request.body.size()));
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, request.body.c_str());
  }
}

std::string describe_failure(CURLcode code, const Transfer& transfer, const HttpRequest& request,
                             const char* error_buffer) {
  if (transfer.is_too_large) {
    return fmt::format("response body exceeds {} bytes", kMaxUpstreamBodyBytes);
  }
  if (code == CURLE_OPERATION_TIMEDOUT) {
    return fmt::format("no complete response within {} ms", request.timeout_ms);
  }
  const std::string_view detail = error_buffer[0] != '\0' ? error_buffer : curl_easy_strerror(code);
  return fmt::format("{} (curl error {})", detail, static_cast<int>(code));
}

}  // namespace

struct HttpTransport::Pool {
  std::mutex mutex;
  std::vector<CURL*> idle;

  ~Pool() {
    for (CURL* curl : idle) {
      curl_easy_cleanup(curl);
    }
  }

  CURL* acquire() {
    {
      std::lock_guard lock(mutex);
      if (!idle.empty()) {
        CURL* curl = idle.back();
        idle.pop_back();
        return curl;
      }
    }
    return curl_easy_init();
  }

  void release(CURL* curl) {
    // curl_easy_reset clears options but keeps the handle's open
    // connections, which is what makes the next call cheap.
    curl_easy_reset(curl);
    {
      std::lock_guard lock(mutex);
      if (idle.size() < kMaxIdleHandles) {
        idle.push_back(curl);
        return;
      }
    }
    curl_easy_cleanup(curl);
  }
};

HttpTransport::HttpTransport() : pool_(std::make_unique<Pool>()) { initialize_curl_once(); }

HttpTransport::~HttpTransport() = default;

Result<HttpResponse> HttpTransport::perform(const HttpRequest& request) {
  CURL* curl = pool_->acquire();
  if (curl == nullptr) {
    return UpstreamError{Error::kTransport, "curl_easy_init failed"};
  }
  const std::unique_ptr<CURL, std::function<void(CURL*)>> lease(
      curl, [this](CURL* handle) { pool_->release(handle); });

  Transfer transfer;
  const HeaderList headers = build_header_list(request);
  char error_buffer[CURL_ERROR_SIZE] = {};
  set_options(curl, request, headers.get(), transfer, error_buffer);

  const auto start = std::chrono::steady_clock::now();
  const CURLcode code = curl_easy_perform(curl);
  transfer.response.latency_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                                     std::chrono::steady_clock::now() - start)
                                     .count();
  if (code != CURLE_OK) {
    return UpstreamError{Error::kTransport,
                         describe_failure(code, transfer, request, error_buffer)};
  }
  long status = 0;
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
  long new_connections = 0;
  curl_easy_getinfo(curl, CURLINFO_NUM_CONNECTS, &new_connections);
  transfer.response.status = static_cast<int>(status);
  transfer.response.reused_connection = new_connections == 0;
  return std::move(transfer.response);
}

}  // namespace countryhub::spotify
