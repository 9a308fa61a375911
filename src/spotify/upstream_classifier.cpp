#include "spotify/upstream_classifier.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <ctime>

#include <boost/json/parse.hpp>
#include <curl/curl.h>
#include <fmt/format.h>
#include <simdjson.h>

namespace countryhub::spotify {
namespace {

constexpr std::size_t kQuotedBytes = 120;

// Words of block and challenge pages: Varnish's "Error 403 URL Blocked" page
// in front of open.spotify.com, reCAPTCHA and hCaptcha forms, and the
// generic CDN denial pages. Matched without regard to case.
constexpr std::string_view kBlockMarkers[] = {
    "url blocked",        "captcha", "access denied", "unusual traffic", "verify you are human",
    "challenge-platform",
};

std::string_view skip_space(std::string_view text) {
  if (text.starts_with("\xEF\xBB\xBF")) {
    text.remove_prefix(3);
  }
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front()))) {
    text.remove_prefix(1);
  }
  return text;
}

bool starts_with_ignoring_case(std::string_view text, std::string_view prefix) {
  if (text.size() < prefix.size()) {
    return false;
  }
  return std::equal(prefix.begin(), prefix.end(), text.begin(), [](char a, char b) {
    return std::tolower(static_cast<unsigned char>(a)) ==
           std::tolower(static_cast<unsigned char>(b));
  });
}

Stage stage_of_body_error(Error kind) {
  switch (kind) {
    case Error::kHtmlPage:
    case Error::kPersistedQueryNotFound:
    case Error::kGraphqlErrors:
      return Stage::kPathfinder;
    default:
      return Stage::kParse;
  }
}

bool contains_ignoring_case(std::string_view text, std::string_view needle) {
  const auto found =
      std::search(text.begin(), text.end(), needle.begin(), needle.end(), [](char a, char b) {
        return std::tolower(static_cast<unsigned char>(a)) ==
               std::tolower(static_cast<unsigned char>(b));
      });
  return found != text.end();
}

bool looks_like_json(std::string_view body) {
  const std::string_view trimmed = skip_space(body);
  return !trimmed.empty() && (trimmed.front() == '{' || trimmed.front() == '[');
}

std::string to_upper(std::string_view text) {
  std::string upper(text);
  std::transform(upper.begin(), upper.end(), upper.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  return upper;
}

}  // namespace

bool looks_like_html(std::string_view body, std::string_view content_type) {
  if (starts_with_ignoring_case(skip_space(content_type), "text/html")) {
    return true;
  }
  const std::string_view trimmed = skip_space(body);
  return !trimmed.empty() && trimmed.front() == '<';
}

bool has_block_marker(std::string_view body) {
  return std::any_of(std::begin(kBlockMarkers), std::end(kBlockMarkers),
                     [&](std::string_view marker) { return contains_ignoring_case(body, marker); });
}

bool looks_like_block_page(std::string_view body, std::string_view content_type) {
  if (looks_like_html(body, content_type)) {
    return true;
  }
  return !looks_like_json(body) && has_block_marker(body);
}

bool is_block_response(const HttpResponse& response) {
  if (looks_like_block_page(response.body, response.content_type)) {
    return true;
  }
  return response.status == 403 && !quote_body(response.body).empty() &&
         !looks_like_json(response.body);
}

std::int64_t parse_retry_after(std::string_view value, std::int64_t now_unix_seconds) {
  value = skip_space(value);
  while (!value.empty() && std::isspace(static_cast<unsigned char>(value.back()))) {
    value.remove_suffix(1);
  }
  if (value.empty()) {
    return 0;
  }
  std::int64_t seconds = 0;
  const auto [end, error] = std::from_chars(value.data(), value.data() + value.size(), seconds);
  if (error == std::errc::result_out_of_range && end == value.data() + value.size()) {
    return kMaxRetryAfterSeconds;
  }
  if (error != std::errc() || end != value.data() + value.size()) {
    const std::string date(value);
    const time_t when = curl_getdate(date.c_str(), nullptr);
    if (when < 0) {
      return 0;
    }
    seconds = static_cast<std::int64_t>(when) - now_unix_seconds;
  }
  return std::clamp<std::int64_t>(seconds, 0, kMaxRetryAfterSeconds);
}

std::string quote_body(std::string_view body) {
  std::string quoted;
  for (char c : skip_space(body)) {
    if (quoted.size() >= kQuotedBytes) {
      break;
    }
    const auto byte = static_cast<unsigned char>(c);
    const char printable = byte > 0x20 && byte < 0x7F ? c : ' ';
    if (printable == ' ' && (quoted.empty() || quoted.back() == ' ')) {
      continue;
    }
    quoted.push_back(printable);
  }
  while (!quoted.empty() && quoted.back() == ' ') {
    quoted.pop_back();
  }
  return quoted;
}

FetchFailure classify_status(Stage stage, std::string_view call, const HttpResponse& response) {
  FetchFailure failure{Error::kUpstreamStatus, stage, "", 0, response.status};
  failure.retry_after_seconds = parse_retry_after(response.retry_after, time(nullptr));
  const std::string quoted = quote_body(response.body);
  const std::string body_text = quoted.empty() ? "empty body" : quoted;
  if (response.status == 429) {
    failure.kind = Error::kRateLimited;
    failure.detail = fmt::format("{} returned HTTP 429 (Retry-After '{}'): {}", call,
                                 response.retry_after, body_text);
  } else if (is_block_response(response)) {
    failure.kind = Error::kHtmlPage;
    failure.detail = fmt::format("{} returned HTTP {} with a block or challenge page: {}", call,
                                 response.status, body_text);
  } else if (response.status == 401 || response.status == 403) {
    failure.kind = Error::kAuthFailed;
    failure.detail = fmt::format("{} rejected the credentials with HTTP {}: {}", call,
                                 response.status, body_text);
  } else {
    failure.detail = fmt::format("{} returned HTTP {}: {}", call, response.status, body_text);
  }
  return failure;
}

FetchResult<boost::json::value> parse_json_body(Stage stage, std::string_view call,
                                                const HttpResponse& response) {
  const std::string_view body = response.body;
  if (looks_like_block_page(body, response.content_type)) {
    return FetchFailure{Error::kHtmlPage, stage,
                        fmt::format("{} sent an HTML, block or challenge page where JSON was "
                                    "expected: {}",
                                    call, quote_body(body)),
                        0, response.status};
  }
  if (!simdjson::validate_utf8(body.data(), body.size())) {
    return FetchFailure{Error::kInvalidUtf8, stage,
                        fmt::format("{} sent a body that is not valid UTF-8", call), 0,
                        response.status};
  }
  boost::system::error_code error;
  boost::json::value value = boost::json::parse(body, error);
  if (error) {
    return FetchFailure{Error::kInvalidJson, stage,
                        fmt::format("{} sent a body that is not valid JSON ({}): {}", call,
                                    error.message(), quote_body(body)),
                        0, response.status};
  }
  return value;
}

FetchResult<std::string> request_country(std::string_view code) {
  const auto is_letter = [](char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); };
  if (code.size() != 2 || !is_letter(code[0]) || !is_letter(code[1])) {
    return FetchFailure{
        Error::kCountryMismatch, Stage::kPathfinder,
        fmt::format("country code '{}' is not two ASCII letters", quote_body(code))};
  }
  return to_upper(code);
}

FetchResult<HubDocument> read_hub_body(std::string_view body, const NormalizeOptions& options) {
  Result<HubDocument> normalized = normalize_hub(body, options);
  if (!normalized) {
    const UpstreamError& error = normalized.error();
    return FetchFailure{error.kind, stage_of_body_error(error.kind), error.detail, 0, 200};
  }
  const std::string requested = to_upper(options.requested_country);
  const std::string returned = to_upper(normalized->hub().country_code);
  if (returned != requested) {
    return FetchFailure{Error::kCountryMismatch, Stage::kParse,
                        fmt::format("requested the hub of {} but Spotify returned the hub of {}",
                                    requested, returned),
                        0, 200};
  }
  return std::move(*normalized);
}

}  // namespace countryhub::spotify
