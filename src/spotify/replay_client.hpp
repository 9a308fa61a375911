#pragma once

#include <filesystem>
#include <mutex>
#include <string>

#include "spotify/hub_client.hpp"
#include "spotify/outcome_tracker.hpp"

namespace countryhub::spotify {

// The HubClient of `--replay DIR`: serves `DIR/hub_<cc>.json`, a raw
// Pathfinder body as `--record` writes it, through the same normalization and
// country check as live responses. Makes no network calls. Thread-safe.
class ReplayHubClient final : public HubClient {
 public:
  ReplayHubClient(std::filesystem::path folder, std::string app_version);

  // Fails with kTransport at stage pathfinder when the folder contains no
  // recording for the country.
  FetchResult<HubDocument> fetch_hub(const HubRequest& request) override;
  UpstreamStatus status() const override;

  // Switches to the replay folder and app version of `config`. A
  // configuration without a replay folder (live mode) needs a restart and
  // is ignored with a warning. Throws std::invalid_argument when the folder
  // does not exist.
  void reload(ClientConfig config) override;

 private:
  mutable std::mutex mutex_;  // guards folder_ and app_version_
  std::filesystem::path folder_;
  std::string app_version_;
  OutcomeTracker outcomes_;
};

}  // namespace countryhub::spotify
