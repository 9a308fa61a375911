#pragma once

#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "spotify/client_token.hpp"
#include "spotify/hub_client.hpp"
#include "spotify/upstream_caller.hpp"
#include "spotify/web_token.hpp"

namespace countryhub::spotify {

// The two ways to send a persisted query: v2 POST with a JSON body (what the
// web player sends) and v1 GET with the same members in the query string.
enum class QueryForm { kV2Post, kV1Get };

struct QueryRoute {
  QueryForm form = QueryForm::kV2Post;
  std::string hash;

  bool operator==(const QueryRoute&) const = default;
};

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

// Runs countryHubsPage over the planned routes until one is not stale: a 200
// naming PersistedQueryNotFound, or HTTP 404, 405 or 412, moves on to the
// next route. A 401 mints a new web-player token and retries, once per fetch.
// A 400 with `client-token-error` mints a new client token and retries once.
// Thread-safe.
class PathfinderClient {
 public:
  // All arguments must outlive the client.
  PathfinderClient(const ClientConfig& config, UpstreamCaller& caller, WebTokenCache& web_tokens,
                   ClientTokenCache& client_tokens);

  // Returns the normalized hub of `options.requested_country` (upper case),
  // or the classified failure. When every route is stale the failure is
  // kPersistedQueryNotFound at stage pathfinder.
  FetchResult<HubDocument> fetch(const NormalizeOptions& options, const CallContext& context);

  // Returns the hash of the last route that gave a hub; empty before that.
  std::string working_hash() const;

 private:
  struct RetryState {
    bool has_refreshed_token = false;
    bool has_renewed_client_token = false;
  };

  FetchResult<HttpResponse> send_authorized(const QueryRoute& route, const CallContext& context,
                                            RetryState& retries);

  const ClientConfig& config_;
  UpstreamCaller& caller_;
  WebTokenCache& web_tokens_;
  ClientTokenCache& client_tokens_;
  mutable std::mutex mutex_;  // guards working_route_
  std::optional<QueryRoute> working_route_;
};

}  // namespace countryhub::spotify
