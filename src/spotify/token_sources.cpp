#include "spotify/token_sources.hpp"

#include <boost/json/parse.hpp>
#include <fmt/format.h>

#include "common/logging.hpp"
#include "common/time_format.hpp"
#include "spotify/totp.hpp"
#include "spotify/upstream_classifier.hpp"
#include "spotify/url_building.hpp"

namespace countryhub::spotify {
namespace {

// The web player itself gives up on the server time after 4 s and uses its
// own clock. This client does the same, so the token call keeps the rest of
// the budget.
constexpr std::int64_t kServerTimeCapMs = 4000;
constexpr std::int64_t kUnknownLifetimeMs = 5 * 60 * 1000;

const boost::json::value* find_member(const boost::json::value& value, std::string_view name) {
  const boost::json::object* object = value.if_object();
  return object == nullptr ? nullptr : object->if_contains(name);
}

std::string_view string_member(const boost::json::value& value, std::string_view name) {
  const boost::json::value* member = find_member(value, name);
  if (member == nullptr || !member->is_string()) {
    return {};
  }
  return member->get_string();
}

std::optional<std::int64_t> integer_member(const boost::json::value& value, std::string_view name) {
  const boost::json::value* member = find_member(value, name);
  if (member == nullptr) {
    return std::nullopt;
  }
  if (member->is_int64()) {
    return member->get_int64();
  }
  if (member->is_uint64()) {
    return static_cast<std::int64_t>(member->get_uint64());
  }
  if (member->is_double()) {
    return static_cast<std::int64_t>(member->get_double());
  }
  return std::nullopt;
}

// `/api/token` rejects a wrong code or an unknown secret version with HTTP
// 400 {"error":{"code":400,"message":"Unauthorized request"}}. For an expired
// version the error object also carries "totpVerExpired" and "totpValidUntil".
FetchFailure describe_rejection(const HttpResponse& response, int version) {
  boost::system::error_code error;
  const boost::json::value body = boost::json::parse(response.body, error);
  const boost::json::value* details = error ? nullptr : find_member(body, "error");
  std::string detail;
  if (details != nullptr && find_member(*details, "totpVerExpired") != nullptr) {
    detail = fmt::format(
        "token endpoint reports TOTP secret version {} as expired (valid until '{}'); "
        "configure the current secret with --totp-secret and --totp-version",
        version, string_member(*details, "totpValidUntil"));
    common::logger("spotify")->warn("totp_version_expired version={} valid_until={}", version,
                                    string_member(*details, "totpValidUntil"));
  } else {
    const std::string_view message =
        details != nullptr ? string_member(*details, "message") : std::string_view();
    detail =
        fmt::format("token endpoint rejected the TOTP code of secret version {} with HTTP 400: {}",
                    version, message.empty() ? quote_body(response.body) : std::string(message));
  }
  return FetchFailure{Error::kAuthFailed, Stage::kToken, std::move(detail), 0, response.status};
}

const boost::json::value* find_session(const boost::json::value& next_data) {
  const boost::json::value* node = &next_data;
  for (std::string_view name : {"props", "pageProps", "state", "settings", "session"}) {
    node = find_member(*node, name);
    if (node == nullptr) {
      return nullptr;
    }
  }
  return node;
}

}  // namespace

FetchResult<WebToken> read_token_object(const boost::json::value& object, std::string_view call,
                                        std::int64_t now_ms) {
  WebToken token;
  token.access_token = std::string(string_member(object, "accessToken"));
  if (token.access_token.empty()) {
    return FetchFailure{Error::kAuthFailed, Stage::kToken,
                        fmt::format("{} response has no accessToken", call), 0, 200};
  }
  token.client_id = std::string(string_member(object, "clientId"));
  token.obtained_at_ms = now_ms;
  token.expires_at_ms = integer_member(object, "accessTokenExpirationTimestampMs")
                            .value_or(now_ms + kUnknownLifetimeMs);
  return token;
}

std::optional<std::string_view> find_next_data(std::string_view html) {
  const std::size_t marker = html.find("id=\"__NEXT_DATA__\"");
  if (marker == std::string_view::npos) {
    return std::nullopt;
  }
  const std::size_t tag_start = html.rfind("<script", marker);
  const std::size_t tag_end = html.find('>', marker);
  if (tag_start == std::string_view::npos || tag_end == std::string_view::npos ||
      html.find('>', tag_start) < marker) {
    return std::nullopt;
  }
  const std::size_t close = html.find("</script>", tag_end);
  if (close == std::string_view::npos) {
    return std::nullopt;
  }
  return html.substr(tag_end + 1, close - tag_end - 1);
}

std::optional<std::int64_t> fetch_server_offset(ResilientCaller& caller, const ClientConfig& config,
                                                const CallContext& context) {
  const std::int64_t local_seconds = common::now_epoch_ms() / 1000;
  HttpRequest request;
  request.url = join_url(config.web_url, "/api/server-time");
  request.headers = {"accept: application/json"};
  const FetchResult<HttpResponse> response =
      caller.send(UpstreamCall::kServerTime, std::move(request), context, kServerTimeCapMs);
  if (!response || response->status != 200) {
    common::logger("spotify")->warn("server_time_unavailable fallback=local_clock request_id={}",
                                    context.request_id);
    return std::nullopt;
  }
  const FetchResult<boost::json::value> body =
      parse_json_body(Stage::kToken, "server_time", *response);
  const std::optional<std::int64_t> server_seconds =
      body ? integer_member(*body, "serverTime") : std::nullopt;
  if (!server_seconds) {
    return std::nullopt;
  }
  return *server_seconds - local_seconds;
}

FetchResult<WebToken> fetch_totp_token(ResilientCaller& caller, const ClientConfig& config,
                                       const TotpSecret& secret,
                                       std::optional<std::int64_t> server_offset_seconds,
                                       const CallContext& context) {
  const std::int64_t local_seconds = common::now_epoch_ms() / 1000;
  const std::int64_t server_seconds = local_seconds + server_offset_seconds.value_or(0);
  const std::string key = derive_totp_key(secret.secret);
  HttpRequest request;
  request.url =
      fmt::format("{}?reason={}&productType={}&totp={}&totpServer={}&totpVer={}",
                  join_url(config.web_url, "/api/token"), percent_encode(config.token_reason),
                  percent_encode(config.token_product_type), totp_code(key, local_seconds),
                  totp_code(key, server_seconds), secret.version);
  request.headers = {"accept: application/json", "referer: " + join_url(config.web_url, "/")};

  const FetchResult<HttpResponse> response =
      caller.send(UpstreamCall::kToken, std::move(request), context);
  if (!response) {
    return response.error();
  }
  if (response->status == 400 && !looks_like_html(response->body, response->content_type)) {
    return describe_rejection(*response, secret.version);
  }
  if (response->status < 200 || response->status >= 300) {
    return classify_status(Stage::kToken, "token endpoint", *response);
  }
  const FetchResult<boost::json::value> body =
      parse_json_body(Stage::kToken, "token endpoint", *response);
  if (!body) {
    return body.error();
  }
  FetchResult<WebToken> token = read_token_object(*body, "token endpoint", common::now_epoch_ms());
  if (token) {
    token->source = "totp";
  }
  return token;
}

bool is_totp_rejection(const FetchFailure& failure) {
  return failure.kind == Error::kAuthFailed && failure.stage == Stage::kToken &&
         failure.http_status == 400;
}

FetchResult<WebToken> fetch_embed_token(ResilientCaller& caller, const ClientConfig& config,
                                        const CallContext& context) {
  HttpRequest request;
  request.url = join_url(config.web_url, "/embed/track/" + percent_encode(config.embed_track_id));
  request.headers = {"accept: text/html"};
  const FetchResult<HttpResponse> response =
      caller.send(UpstreamCall::kEmbedPage, std::move(request), context);
  if (!response) {
    return response.error();
  }
  if (response->status < 200 || response->status >= 300) {
    return classify_status(Stage::kToken, "embed page", *response);
  }
  const std::optional<std::string_view> next_data = find_next_data(response->body);
  if (!next_data) {
    return FetchFailure{Error::kHtmlPage, Stage::kToken,
                        "embed page has no __NEXT_DATA__ script: " + quote_body(response->body), 0,
                        response->status};
  }
  boost::system::error_code error;
  const boost::json::value data = boost::json::parse(*next_data, error);
  if (error) {
    return FetchFailure{Error::kInvalidJson, Stage::kToken,
                        "embed page's __NEXT_DATA__ is not valid JSON: " + error.message(), 0,
                        response->status};
  }
  const boost::json::value* session = find_session(data);
  if (session == nullptr) {
    return FetchFailure{Error::kAuthFailed, Stage::kToken,
                        "embed page has no props.pageProps.state.settings.session", 0,
                        response->status};
  }
  FetchResult<WebToken> token =
      read_token_object(*session, "embed page session", common::now_epoch_ms());
  if (token) {
    token->source = "embed";
  }
  return token;
}

}  // namespace countryhub::spotify
