#pragma once

#include <memory>
#include <mutex>

#include "spotify/bundle_scanner.hpp"
#include "spotify/client_token.hpp"
#include "spotify/http_transport.hpp"
#include "spotify/hub_client.hpp"
#include "spotify/learned_state.hpp"
#include "spotify/outcome_tracker.hpp"
#include "spotify/pathfinder_call.hpp"
#include "spotify/recording.hpp"
#include "spotify/resilient_caller.hpp"
#include "spotify/upstream_caller.hpp"
#include "spotify/web_token.hpp"

namespace countryhub::spotify {

// The HubClient that calls Spotify over the network. Each fetch_hub gets
// `config.upstream_timeout_ms` for all its upstream calls together and the
// configuration current when it starts. Thread-safe.
class LiveHubClient final : public HubClient {
 public:
  // Expects a configuration checked and completed by make_hub_client.
  explicit LiveHubClient(ClientConfig config);

  FetchResult<HubDocument> fetch_hub(const HubRequest& request) override;
  UpstreamStatus status() const override;
  void reload(ClientConfig config) override;

 private:
  std::shared_ptr<const ClientConfig> current_config() const;

  mutable std::mutex config_mutex_;  // guards config_
  std::shared_ptr<const ClientConfig> config_;
  // Declaration order is construction order: each member refers to earlier ones.
  HttpTransport transport_;
  std::unique_ptr<Recorder> recorder_;
  UpstreamCaller caller_;
  ResilientCaller resilient_;
  LearnedState learned_;
  BundleScanner scanner_;
  WebTokenCache web_tokens_;
  ClientTokenCache client_tokens_;
  PathfinderClient pathfinder_;
  OutcomeTracker outcomes_;
};

}  // namespace countryhub::spotify
