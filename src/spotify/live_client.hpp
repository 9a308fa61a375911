#pragma once

#include <atomic>
#include <cstddef>
#include <memory>

#include "spotify/client_token.hpp"
#include "spotify/http_transport.hpp"
#include "spotify/hub_client.hpp"
#include "spotify/outcome_tracker.hpp"
#include "spotify/pathfinder_call.hpp"
#include "spotify/recording.hpp"
#include "spotify/upstream_caller.hpp"
#include "spotify/web_token.hpp"

namespace countryhub::spotify {

// The HubClient that calls Spotify over the network. Each fetch_hub gets
// `config.upstream_timeout_ms` for all its upstream calls together and the
// next proxy in rotation. Thread-safe.
class LiveHubClient final : public HubClient {
 public:
  // Expects a configuration checked and completed by make_hub_client.
  explicit LiveHubClient(ClientConfig config);

  FetchResult<HubDocument> fetch_hub(const HubRequest& request) override;
  UpstreamStatus status() const override;

 private:
  std::string next_proxy();

  // Declaration order is construction order: each member refers to earlier ones.
  const ClientConfig config_;
  HttpTransport transport_;
  std::unique_ptr<Recorder> recorder_;
  UpstreamCaller caller_;
  WebTokenCache web_tokens_;
  ClientTokenCache client_tokens_;
  PathfinderClient pathfinder_;
  std::atomic<std::size_t> proxy_turn_{0};
  OutcomeTracker outcomes_;
};

}  // namespace countryhub::spotify
