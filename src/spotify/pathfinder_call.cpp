#include "spotify/pathfinder_call.hpp"

#include <algorithm>

#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>
#include <fmt/format.h>
#include <fmt/ranges.h>

#include "common/logging.hpp"
#include "spotify/client_defaults.hpp"
#include "spotify/upstream_classifier.hpp"
#include "spotify/url_building.hpp"

namespace countryhub::spotify {
namespace {

constexpr std::string_view kOperationName = "countryHubsPage";

std::string query_variables(std::string_view country) {
  return boost::json::serialize(boost::json::object{{"countryCode", country}});
}

std::string query_extensions(std::string_view hash) {
  boost::json::object persisted{{"version", 1}, {"sha256Hash", hash}};
  return boost::json::serialize(boost::json::object{{"persistedQuery", std::move(persisted)}});
}

std::string_view form_name(QueryForm form) { return form == QueryForm::kV2Post ? "v2" : "v1"; }

UpstreamCall route_call(const QueryRoute& route) {
  return route.form == QueryForm::kV2Post ? UpstreamCall::kPathfinderV2
                                          : UpstreamCall::kPathfinderV1;
}

// 404, 405 and 412 mean this form or hash is not served (any more), like a
// PersistedQueryNotFound body: the next route may still work.
bool is_stale_status(int status) { return status == 404 || status == 405 || status == 412; }

bool is_success(int status) { return status >= 200 && status < 300; }

std::string describe_route(const QueryRoute& route) {
  return fmt::format("{} {}", form_name(route.form), route.hash.substr(0, 8));
}

// Classifies a non-2xx response that survived the retries of send_authorized.
FetchFailure classify_pathfinder_status(const QueryRoute& route, const HttpResponse& response) {
  if (response.status == 401) {
    return FetchFailure{Error::kAuthFailed, Stage::kPathfinder,
                        "Pathfinder rejected a newly minted web-player token with HTTP 401", 0,
                        401};
  }
  if (response.status == 400 && !response.client_token_error.empty()) {
    return FetchFailure{Error::kAuthFailed, Stage::kClientToken,
                        fmt::format("Pathfinder rejected the client token (client-token-error: {})",
                                    response.client_token_error),
                        0, 400};
  }
  return classify_status(Stage::kPathfinder, call_name(route_call(route)), response);
}

}  // namespace

std::vector<QueryRoute> plan_routes(const std::vector<std::string>& hashes,
                                    const std::optional<QueryRoute>& preferred) {
  std::vector<QueryRoute> routes;
  if (preferred) {
    routes.push_back(*preferred);
  }
  for (QueryForm form : {QueryForm::kV2Post, QueryForm::kV1Get}) {
    for (const std::string& hash : hashes) {
      QueryRoute route{form, hash};
      if (std::find(routes.begin(), routes.end(), route) == routes.end()) {
        routes.push_back(std::move(route));
      }
    }
  }
  return routes;
}

HttpRequest build_hub_request(const ClientConfig& config, const QueryRoute& route,
                              std::string_view country, std::string_view access_token,
                              std::string_view client_token) {
  HttpRequest request;
  request.headers = {
      fmt::format("authorization: Bearer {}", access_token),
      "app-platform: WebPlayer",
      fmt::format("spotify-app-version: {}", config.app_version),
      "accept: application/json",
      "accept-language: en",
      fmt::format("origin: {}", join_url(config.web_url, "")),
      fmt::format("referer: {}", join_url(config.web_url, "/")),
  };
  if (!client_token.empty()) {
    request.headers.push_back(fmt::format("client-token: {}", client_token));
  }
  const std::string variables = query_variables(country);
  const std::string extensions = query_extensions(route.hash);
  if (route.form == QueryForm::kV2Post) {
    request.method = "POST";
    request.url = join_url(config.api_url, "/pathfinder/v2/query");
    request.headers.push_back("content-type: application/json;charset=UTF-8");
    request.body = fmt::format(R"({{"variables":{},"operationName":"{}","extensions":{}}})",
                               variables, kOperationName, extensions);
  } else {
    request.url = fmt::format("{}?operationName={}&variables={}&extensions={}",
                              join_url(config.api_url, "/pathfinder/v1/query"), kOperationName,
                              percent_encode(variables), percent_encode(extensions));
  }
  return request;
}

PathfinderClient::PathfinderClient(ResilientCaller& caller, WebTokenCache& web_tokens,
                                   ClientTokenCache& client_tokens, LearnedState& learned,
                                   BundleScanner& scanner)
    : caller_(caller),
      web_tokens_(web_tokens),
      client_tokens_(client_tokens),
      learned_(learned),
      scanner_(scanner) {}

FetchResult<HttpResponse> PathfinderClient::send_authorized(const QueryRoute& route,
                                                            const CallContext& context,
                                                            RetryState& retries) {
  const auto log = common::logger("spotify");
  for (;;) {
    FetchResult<WebToken> token = web_tokens_.get(context);
    if (!token) {
      return token.error();
    }
    const std::string client_token = client_tokens_.get(token->client_id, context);
    HttpRequest request = build_hub_request(*context.config, route, context.country,
                                            token->access_token, client_token);
    FetchResult<HttpResponse> response =
        caller_.send(route_call(route), std::move(request), context, 0,
                     fmt::format("hash={}", route.hash.substr(0, 8)));
    if (!response) {
      return response;
    }
    if (response->status == 401 && !retries.has_refreshed_token) {
      retries.has_refreshed_token = true;
      web_tokens_.invalidate(token->access_token);
      log->warn("token_rejected action=refresh request_id={}", context.request_id);
      continue;
    }
    if (response->status == 400 && !response->client_token_error.empty() && !client_token.empty() &&
        !retries.has_renewed_client_token) {
      retries.has_renewed_client_token = true;
      client_tokens_.invalidate(client_token);
      log->warn("client_token_rejected error={} action=renew request_id={}",
                response->client_token_error, context.request_id);
      continue;
    }
    return response;
  }
}

std::optional<FetchResult<HubDocument>> PathfinderClient::try_routes(
    const std::vector<QueryRoute>& routes, Run& run) {
  for (const QueryRoute& route : routes) {
    if (std::find(run.tried.begin(), run.tried.end(), route) != run.tried.end()) {
      continue;
    }
    run.tried.push_back(route);
    FetchResult<HttpResponse> response = send_authorized(route, run.context, run.retries);
    if (!response) {
      return FetchResult<HubDocument>(response.error());
    }
    if (is_stale_status(response->status)) {
      run.last_stale_status = response->status;
      run.stale_routes.push_back(
          fmt::format("{}: HTTP {}", describe_route(route), response->status));
      continue;
    }
    if (!is_success(response->status)) {
      return FetchResult<HubDocument>(classify_pathfinder_status(route, *response));
    }
    FetchResult<HubDocument> hub = read_hub_body(response->body, run.options);
    if (!hub && hub.error().kind == Error::kPersistedQueryNotFound) {
      run.stale_routes.push_back(fmt::format("{}: {}", describe_route(route), hub.error().detail));
      if (std::find(run.stale_hashes.begin(), run.stale_hashes.end(), route.hash) ==
          run.stale_hashes.end()) {
        run.stale_hashes.push_back(route.hash);
      }
      run.last_stale_status = response->status;
      run.last_stale_body = std::move(response->body);
      continue;
    }
    caller_.record_hub(run.context.country, response->body);
    if (hub) {
      std::erase(run.stale_hashes, route.hash);
      learned_.record_route_success(route);
      learned_.record_stale_hashes(run.stale_hashes);
    }
    return hub;
  }
  return std::nullopt;
}

std::string PathfinderClient::rediscover(Run& run) {
  const BundleScan scan = scanner_.scan(run.context, "stale_hashes");
  if (!scan.facts) {
    return "; the bundle rescan failed: " + scan.facts.error().detail;
  }
  if (!scan.is_fresh) {
    return fmt::format("; the bundle was last scanned less than {} s ago and listed {} hash(es)",
                       kBundleRescanIntervalMs / 1000, scan.facts->hub_hashes.size());
  }
  return fmt::format("; the bundle rescan listed {} {} hash(es)", scan.facts->hub_hashes.size(),
                     kOperationName);
}

FetchResult<HubDocument> PathfinderClient::all_stale(Run& run, std::string_view rescan_note) {
  learned_.record_stale_hashes(run.stale_hashes);
  if (run.last_stale_body) {
    caller_.record_hub(run.context.country, *run.last_stale_body);
  }
  return FetchFailure{Error::kPersistedQueryNotFound, Stage::kPathfinder,
                      fmt::format("no countryHubsPage route is served any more ({}){}; configure "
                                  "a current hash with --query-hash",
                                  fmt::join(run.stale_routes, "; "), rescan_note),
                      0, run.last_stale_status};
}

FetchResult<HubDocument> PathfinderClient::fetch(const NormalizeOptions& options,
                                                 const CallContext& context) {
  Run run{options, context, {}, {}, {}, {}, std::nullopt, 0};
  const auto only_v2 = [](std::vector<QueryRoute> routes) {
    std::erase_if(routes, [](const QueryRoute& route) { return route.form != QueryForm::kV2Post; });
    return routes;
  };
  const std::optional<QueryRoute> preferred = learned_.working_route();
  std::vector<QueryRoute> first = only_v2(plan_routes(learned_.hashes(), std::nullopt));
  if (preferred) {
    first.insert(first.begin(), *preferred);
  }
  if (auto done = try_routes(first, run)) {
    return *std::move(done);
  }
  std::string rescan_note = "; bundle scanning is off";
  if (context.config->scan_bundle) {
    // A rescan goes before the v1 form: PersistedQueryNotFound on every v2
    // hash most likely means Spotify moved to a new hash.
    rescan_note = rediscover(run);
    if (auto done = try_routes(only_v2(plan_routes(learned_.hashes(), std::nullopt)), run)) {
      return *std::move(done);
    }
  }
  if (auto done = try_routes(plan_routes(learned_.hashes(), std::nullopt), run)) {
    return *std::move(done);
  }
  return all_stale(run, rescan_note);
}

}  // namespace countryhub::spotify
