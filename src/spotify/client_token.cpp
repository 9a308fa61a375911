#include "spotify/client_token.hpp"

#include <array>
#include <openssl/rand.h>

#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>
#include <fmt/format.h>

#include "common/logging.hpp"
#include "common/time_format.hpp"
#include "spotify/upstream_classifier.hpp"
#include "spotify/url_building.hpp"

namespace countryhub::spotify {
namespace {

constexpr std::int64_t kRetryAfterFailureMs = 60'000;

// Used when the response gives no refresh time: the granted lifetime seen in
// 2026 was about two weeks, so a day is well inside it.
constexpr std::int64_t kDefaultRefreshMs = 24LL * 3600 * 1000;

std::string random_device_id() {
  std::array<unsigned char, 16> bytes{};
  if (RAND_bytes(bytes.data(), static_cast<int>(bytes.size())) != 1) {
    // A device id only has to look unique, and a clock-based one does.
    return fmt::format("{:032x}", static_cast<std::uint64_t>(common::now_epoch_ms()));
  }
  std::string hex;
  for (unsigned char byte : bytes) {
    hex += fmt::format("{:02x}", byte);
  }
  return hex;
}

std::int64_t seconds_member(const boost::json::object& object, std::string_view name) {
  const boost::json::value* member = object.if_contains(name);
  if (member != nullptr && member->is_int64()) {
    return member->get_int64();
  }
  return 0;
}

}  // namespace

std::string build_client_token_request(std::string_view app_version, std::string_view client_id,
                                       std::string_view device_id) {
  boost::json::object sdk{
      {"device_brand", "unknown"}, {"device_model", "unknown"}, {"os", "linux"},
      {"os_version", "unknown"},   {"device_id", device_id},    {"device_type", "computer"}};
  boost::json::object client_data{
      {"client_version", app_version}, {"client_id", client_id}, {"js_sdk_data", std::move(sdk)}};
  return boost::json::serialize(boost::json::object{{"client_data", std::move(client_data)}});
}

FetchResult<ClientToken> read_client_token_response(const HttpResponse& response,
                                                    std::string_view client_id,
                                                    std::int64_t now_ms) {
  FetchResult<boost::json::value> body =
      parse_json_body(Stage::kClientToken, "client token endpoint", response);
  if (!body) {
    return body.error();
  }
  const boost::json::object* root = body->if_object();
  const boost::json::value* type = root ? root->if_contains("response_type") : nullptr;
  const boost::json::value* granted = root ? root->if_contains("granted_token") : nullptr;
  const boost::json::object* grant = granted ? granted->if_object() : nullptr;
  const boost::json::value* token = grant ? grant->if_contains("token") : nullptr;
  if (type == nullptr || !type->is_string() ||
      type->get_string() != "RESPONSE_GRANTED_TOKEN_RESPONSE" || token == nullptr ||
      !token->is_string() || token->get_string().empty()) {
    return FetchFailure{Error::kAuthFailed, Stage::kClientToken,
                        "client token endpoint granted no token: " + quote_body(response.body), 0,
                        response.status};
  }
  ClientToken client_token;
  client_token.token = std::string(token->get_string());
  client_token.client_id = std::string(client_id);
  const std::int64_t refresh_seconds = seconds_member(*grant, "refresh_after_seconds");
  client_token.refresh_at_ms =
      now_ms + (refresh_seconds > 0 ? refresh_seconds * 1000 : kDefaultRefreshMs);
  return client_token;
}

ClientTokenCache::ClientTokenCache(ResilientCaller& caller)
    : caller_(caller), device_id_(random_device_id()) {}

std::string ClientTokenCache::get(std::string_view client_id, const CallContext& context) {
  if (client_id.empty()) {
    return {};
  }
  std::unique_lock lock(mutex_, std::defer_lock);
  if (!lock.try_lock_until(context.deadline)) {
    return {};
  }
  const std::int64_t now_ms = common::now_epoch_ms();
  if (token_ && token_->client_id == client_id && token_->refresh_at_ms > now_ms) {
    return token_->token;
  }
  if (now_ms < retry_after_ms_) {
    return {};
  }
  FetchResult<ClientToken> minted = mint(client_id, context);
  if (!minted) {
    retry_after_ms_ = now_ms + kRetryAfterFailureMs;
    common::logger("spotify")->warn(
        "client_token_unavailable kind={} detail=\"{}\" retry_in_s={} request_id={}",
        error_name(minted.error().kind), minted.error().detail, kRetryAfterFailureMs / 1000,
        context.request_id);
    return {};
  }
  token_ = *std::move(minted);
  return token_->token;
}

FetchResult<ClientToken> ClientTokenCache::mint(std::string_view client_id,
                                                const CallContext& context) {
  HttpRequest request;
  request.method = "POST";
  const ClientConfig& config = *context.config;
  request.url = join_url(config.clienttoken_url, "/v1/clienttoken");
  request.headers = {"accept: application/json", "content-type: application/json"};
  request.body = build_client_token_request(config.app_version, client_id, device_id_);
  const FetchResult<HttpResponse> response =
      caller_.send(UpstreamCall::kClientToken, std::move(request), context);
  if (!response) {
    return response.error();
  }
  if (response->status < 200 || response->status >= 300) {
    return classify_status(Stage::kClientToken, "client token endpoint", *response);
  }
  return read_client_token_response(*response, client_id, common::now_epoch_ms());
}

void ClientTokenCache::invalidate(std::string_view rejected) {
  std::lock_guard lock(mutex_);
  if (token_ && token_->token == rejected) {
    token_.reset();
  }
}

}  // namespace countryhub::spotify
