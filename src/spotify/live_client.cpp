#include "spotify/live_client.hpp"

#include <chrono>

#include "common/logging.hpp"
#include "common/time_format.hpp"
#include "spotify/upstream_classifier.hpp"

namespace countryhub::spotify {

LiveHubClient::LiveHubClient(ClientConfig config)
    : config_(std::move(config)),
      recorder_(config_.record_dir.empty() ? nullptr
                                           : std::make_unique<Recorder>(config_.record_dir)),
      caller_(transport_, recorder_.get()),
      web_tokens_(config_, caller_),
      client_tokens_(config_, caller_),
      pathfinder_(config_, caller_, web_tokens_, client_tokens_) {}

std::string LiveHubClient::next_proxy() {
  if (config_.proxies.empty()) {
    return {};
  }
  return config_.proxies[proxy_turn_++ % config_.proxies.size()];
}

FetchResult<HubDocument> LiveHubClient::fetch_hub(const HubRequest& request) {
  const FetchResult<std::string> country = request_country(request.country_code);
  if (!country) {
    outcomes_.record_failure(country.error());
    return country.error();
  }
  CallContext context;
  context.request_id = request.request_id;
  context.country = *country;
  context.proxy = next_proxy();
  context.budget_ms = config_.upstream_timeout_ms;
  context.deadline =
      std::chrono::steady_clock::now() + std::chrono::milliseconds(config_.upstream_timeout_ms);
  const NormalizeOptions options{context.country, true, config_.app_version, common::now_epoch_ms(),
                                 request.request_id};

  FetchResult<HubDocument> hub = pathfinder_.fetch(options, context);
  if (hub) {
    outcomes_.record_success();
  } else {
    outcomes_.record_failure(hub.error());
    common::logger("spotify")->warn(
        "hub_fetch_failed country={} stage={} kind={} http_status={} detail=\"{}\" request_id={}",
        context.country, stage_name(hub.error().stage), error_name(hub.error().kind),
        hub.error().http_status, hub.error().detail, request.request_id);
  }
  return hub;
}

UpstreamStatus LiveHubClient::status() const {
  UpstreamStatus status;
  const std::optional<std::int64_t> age = web_tokens_.age_seconds();
  status.has_token = age.has_value();
  status.token_age_seconds = age.value_or(-1);
  status.working_hash = pathfinder_.working_hash();
  outcomes_.fill(status);
  return status;
}

}  // namespace countryhub::spotify
