#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "spotify/bundle_scanner.hpp"
#include "spotify/client_token.hpp"
#include "spotify/hub_client.hpp"
#include "spotify/learned_state.hpp"
#include "spotify/query_route.hpp"
#include "spotify/resilient_caller.hpp"
#include "spotify/web_token.hpp"

namespace countryhub::spotify {

// Returns the routes in the order they are tried: `preferred` (the last route
// that worked) first when set, then v2 POST with each hash in configured
// order, then v1 GET with each hash.
std::vector<QueryRoute> plan_routes(const std::vector<std::string>& hashes,
                                    const std::optional<QueryRoute>& preferred);

// Builds the countryHubsPage request for `country` (upper case) on `route`.
// `client_token` is sent only when not empty.
HttpRequest build_hub_request(const ClientConfig& config, const QueryRoute& route,
                              std::string_view country, std::string_view access_token,
                              std::string_view client_token);

// Runs countryHubsPage until a route is not stale. A 200 naming
// PersistedQueryNotFound, or HTTP 404, 405 or 412, moves on to the next
// route. The order is the working route and v2 POST with every known hash
// first. With ClientConfig::scan_bundle, a bundle rescan and v2 POST with
// the hashes it found come next, and v1 GET with every hash last. The hash
// that gives a hub becomes the working one. A 401 mints a new web-player token and retries,
// once per fetch. A 400 with `client-token-error` mints a new client token
// and retries once. Thread-safe.
class PathfinderClient {
 public:
  // All arguments must outlive the client.
  PathfinderClient(ResilientCaller& caller, WebTokenCache& web_tokens,
                   ClientTokenCache& client_tokens, LearnedState& learned, BundleScanner& scanner);

  // Returns the normalized hub of `options.requested_country` (upper case),
  // or the classified failure. When every route is stale the failure is
  // kPersistedQueryNotFound at stage pathfinder.
  FetchResult<HubDocument> fetch(const NormalizeOptions& options, const CallContext& context);

 private:
  struct RetryState {
    bool has_refreshed_token = false;
    bool has_renewed_client_token = false;
  };

  // Routes tried and stale responses seen by one fetch.
  struct Run {
    const NormalizeOptions& options;
    const CallContext& context;
    RetryState retries;
    std::vector<QueryRoute> tried;
    std::vector<std::string> stale_routes;  // "<route>: <why>" for the failure detail
    std::vector<std::string> stale_hashes;
    std::optional<std::string> last_stale_body;
    int last_stale_status = 0;
  };

  FetchResult<HttpResponse> send_authorized(const QueryRoute& route, const CallContext& context,
                                            RetryState& retries);
  // Tries `routes` not tried yet; nullopt when all of them were stale.
  std::optional<FetchResult<HubDocument>> try_routes(const std::vector<QueryRoute>& routes,
                                                     Run& run);
  std::string rediscover(Run& run);
  FetchResult<HubDocument> all_stale(Run& run, std::string_view rescan_note);

  ResilientCaller& caller_;
  WebTokenCache& web_tokens_;
  ClientTokenCache& client_tokens_;
  LearnedState& learned_;
  BundleScanner& scanner_;
};

}  // namespace countryhub::spotify
