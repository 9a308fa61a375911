#include "spotify/replay_client.hpp"

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
  const std::optional<std::string> body = read_recorded_hub(folder_, *country);
  common::logger("spotify")->debug(
      "upstream_call stage=pathfinder call=replay status={} country={} request_id={}",
      body ? 200 : 0, *country, request.request_id);
  if (!body) {
    FetchFailure failure{Error::kTransport, Stage::kPathfinder,
                         fmt::format("no recording for {} in {}", *country, folder_.string())};
    outcomes_.record_failure(failure);
    return failure;
  }
  const NormalizeOptions options{*country, true, app_version_, common::now_epoch_ms(),
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
  outcomes_.fill(status);
  return status;
}

}  // namespace countryhub::spotify
