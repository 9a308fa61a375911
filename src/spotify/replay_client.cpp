#include "spotify/replay_client.hpp"

#include <stdexcept>

#include <fmt/format.h>

#include "common/logging.hpp"
#include "common/time_format.hpp"
#include "spotify/recording.hpp"
#include "spotify/upstream_classifier.hpp"

namespace countryhub::spotify {

ReplayHubClient::ReplayHubClient(std::filesystem::path folder, std::string app_version)
    : folder_(std::move(folder)), app_version_(std::move(app_version)) {}

FetchResult<HubDocument> ReplayHubClient::fetch_hub(const HubRequest& request) {
  const FetchResult<std::string> country = request_country(request.country_code);
  if (!country) {
    return country.error();
  }

  std::filesystem::path folder;
  std::string app_version;
  {
    std::lock_guard lock(mutex_);
    folder = folder_;
    app_version = app_version_;
  }
  const std::optional<std::string> body = read_recorded_hub(folder, *country);
  common::logger("spotify")->debug(
      "upstream_call stage=pathfinder call=replay status={} country={} request_id={}",
      body ? 200 : 0, *country, request.request_id);
  if (!body) {
    FetchFailure failure{Error::kTransport, Stage::kPathfinder,
                         fmt::format("no recording for {} in {}", *country, folder.string())};
    outcomes_.record_failure(failure);
    return failure;
  }

  const NormalizeOptions options{*country, true, app_version, common::now_epoch_ms(),
                                 request.request_id};
  FetchResult<HubDocument> hub = read_hub_body(*body, options);
  if (hub) {
    outcomes_.record_success();
  } else {
    outcomes_.record_failure(hub.error());
  }
  return hub;
}

UpstreamStatus ReplayHubClient::status() const {
  UpstreamStatus status;
  status.totp_version_in_use = "none";
  outcomes_.fill(status);
  return status;
}

void ReplayHubClient::reload(ClientConfig config) {
  const auto log = common::logger("spotify");
  if (config.replay_dir.empty()) {
    log->warn(
        "config_reload_ignored setting=replay reason=\"leaving replay mode needs a restart\"");
    return;
  }
  complete_config(config);
  if (!std::filesystem::is_directory(config.replay_dir)) {
    throw std::invalid_argument(
        fmt::format("--replay folder '{}' does not exist or is not a folder", config.replay_dir));
  }
  {
    std::lock_guard lock(mutex_);
    folder_ = config.replay_dir;
    app_version_ = config.app_version;
  }
  log->info("config_reloaded mode=replay folder={}", config.replay_dir);
}

}  // namespace countryhub::spotify
