#include "spotify/live_client.hpp"

#include <algorithm>
#include <chrono>

#include <fmt/format.h>

#include "common/logging.hpp"
#include "common/time_format.hpp"
#include "spotify/upstream_classifier.hpp"

namespace countryhub::spotify {
namespace {

// Returns `hashes` in the order a fetch tries them: the working one first.
std::vector<std::string> in_trial_order(std::vector<std::string> hashes,
                                        const std::string& working) {
  const auto found = std::find(hashes.begin(), hashes.end(), working);
  if (found != hashes.end()) {
    std::rotate(hashes.begin(), found, found + 1);
  }
  return hashes;
}

}  // namespace

LiveHubClient::LiveHubClient(ClientConfig config)
    : config_(std::make_shared<const ClientConfig>(std::move(config))),
      recorder_(config_->record_dir.empty() ? nullptr
                                            : std::make_unique<Recorder>(config_->record_dir)),
      caller_(transport_, recorder_.get()),
      resilient_(caller_, config_->proxies),
      learned_(*config_),
      scanner_(resilient_, learned_),
      web_tokens_(resilient_, learned_, scanner_),
      client_tokens_(resilient_),
      pathfinder_(resilient_, web_tokens_, client_tokens_, learned_, scanner_) {}

std::shared_ptr<const ClientConfig> LiveHubClient::current_config() const {
  std::lock_guard lock(config_mutex_);
  return config_;
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
  context.config = current_config();
  context.budget_ms = context.config->upstream_timeout_ms;
  context.deadline =
      std::chrono::steady_clock::now() + std::chrono::milliseconds(context.budget_ms);
  const NormalizeOptions options{context.country, true, context.config->app_version,
                                 common::now_epoch_ms(), request.request_id};

  FetchResult<HubDocument> hub = pathfinder_.fetch(options, context);
  if (hub) {
    outcomes_.record_success();
  } else {
    outcomes_.record_failure(hub.error());
    common::logger("spotify")->warn(
        "hub_fetch_failed country={} stage={} kind={} http_status={} retry_after_s={} "
        "detail=\"{}\" request_id={}",
        context.country, stage_name(hub.error().stage), error_name(hub.error().kind),
        hub.error().http_status, hub.error().retry_after_seconds, hub.error().detail,
        request.request_id);
  }
  return hub;
}

UpstreamStatus LiveHubClient::status() const {
  UpstreamStatus status;
  const std::optional<std::int64_t> age = web_tokens_.age_seconds();
  status.has_token = age.has_value();
  status.token_age_seconds = age.value_or(-1);
  const std::optional<QueryRoute> working = learned_.working_route();
  status.working_hash = working ? working->hash : std::string();
  status.totp_version_in_use = learned_.secret_in_use();
  status.known_hashes = in_trial_order(learned_.hashes(), status.working_hash);
  resilient_.fill(status);
  outcomes_.fill(status);
  return status;
}

void LiveHubClient::reload(ClientConfig config) {
  const auto log = common::logger("spotify");
  const std::shared_ptr<const ClientConfig> old = current_config();
  if (!config.replay_dir.empty()) {
    log->warn(
        "config_reload_ignored setting=replay reason=\"switching to replay needs a restart\"");
    config.replay_dir.clear();
  }
  if (config.record_dir != old->record_dir) {
    log->warn(
        "config_reload_ignored setting=record reason=\"a new record folder needs a restart\"");
    config.record_dir = old->record_dir;
  }
  complete_config(config);
  auto applied = std::make_shared<const ClientConfig>(std::move(config));
  learned_.configure(*applied);
  resilient_.configure_routes(applied->proxies);
  {
    std::lock_guard lock(config_mutex_);
    config_ = applied;
  }
  log->info("config_reloaded token_source={} hashes={} proxies={} timeout_ms={} max_attempts={}",
            applied->totp_secret.empty() ? "bundle_or_embed"
                                         : fmt::format("totp_v{}", applied->totp_version),
            applied->query_hashes.size(), applied->proxies.size(), applied->upstream_timeout_ms,
            applied->max_attempts);
}

}  // namespace countryhub::spotify
