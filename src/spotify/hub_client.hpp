#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <boost/system/result.hpp>

#include "spotify/error.hpp"
#include "spotify/normalizer.hpp"

namespace countryhub::spotify {

// The upstream call that failed; reported as `data.stage` of a 502.
// kBundle (the web-player page and bundle scanned for hashes and TOTP
// secrets) names log lines and a circuit breaker only: a failed scan is
// reported inside the hash or secret failure it was meant to heal.
enum class Stage { kToken, kClientToken, kPathfinder, kParse, kBundle };

// Returns "token", "client_token", "pathfinder", "parse" or "bundle".
std::string_view stage_name(Stage stage);

struct ClientConfig {
  std::string web_url = "https://open.spotify.com";
  std::string api_url = "https://api-partner.spotify.com";
  std::string clienttoken_url = "https://clienttoken.spotify.com";
  // Raw TOTP secret as it appears in the web-player bundle, and its version.
  // Empty secret: use the newest secret read from the bundle (scan_bundle),
  // else the embed-page token only. A configured secret that Spotify rejects
  // is replaced by the bundle's secrets until the next reload.
  std::string totp_secret;
  int totp_version = 0;
  // Query values of the `/api/token` call; working clients send either spelling.
  std::string token_reason = "transport";
  std::string token_product_type = "web_player";
  // Public track whose embed page carries the fallback session token.
  std::string embed_track_id = "20jbSiX29FDX4oQxBXyUEi";
  // countryHubsPage persisted-query hashes, tried in order. Empty: the
  // defaults in spotify/client_defaults.hpp.
  std::vector<std::string> query_hashes;
  // Proxy URLs (http://, https://, socks5://) used in rotation; the word
  // `direct` is a slot without a proxy. Empty: every call is direct.
  std::vector<std::string> proxies;
  // Time budget of one fetch_hub call, shared by all its upstream calls.
  std::int64_t upstream_timeout_ms = 10000;
  // Sent as `spotify-app-version`. Empty: kDefaultAppVersion.
  std::string app_version;
  // Serve recorded upstream responses from this folder instead of the network.
  std::string replay_dir;
  // Write every raw upstream response received into this folder.
  std::string record_dir;
  // Folder for what the client learns and keeps across restarts, in
  // `upstream_state.json`: hashes found in the bundle, the working hash and
  // the last TOTP secret read from the bundle that worked. Created when
  // missing. Empty: nothing is persisted.
  std::string state_dir;
  // Calls per upstream request, the first included. Transport errors, HTTP
  // 5xx and 429 are retried while the fetch's deadline allows; 1 disables
  // retries.
  int max_attempts = 3;
  // Backoff base: retry n waits a random time in [0, retry_base_ms * 2^(n-1)]
  // (full jitter), capped at kMaxBackoffMs and never past the deadline.
  std::int64_t retry_base_ms = 200;
  // Consecutive failed calls (transport errors, HTTP 5xx, block pages) of one
  // stage that open its circuit breaker.
  std::int64_t breaker_failures = 5;
  // How long an open breaker fails calls with kCircuitOpen, without calling
  // Spotify, before it lets one trial call through (half-open).
  std::int64_t breaker_open_ms = 30000;
  // How long a proxy stays out of rotation after a connection failure,
  // timeout, block page or 429.
  std::int64_t proxy_cooldown_ms = 60000;
  // Longest Retry-After the client sleeps on. A longer one, or one that ends
  // after the deadline, fails at once with kRateLimited and keeps that stage
  // off that proxy (or the direct route) until it has passed.
  std::int64_t max_retry_after_wait_ms = 2000;
  // Read the web-player page and bundle to find new query hashes and the
  // current TOTP secrets when the known ones stop working.
  bool scan_bundle = true;
};

struct FetchFailure {
  Error kind;
  Stage stage;
  std::string detail;
  std::int64_t retry_after_seconds = 0;  // from Spotify's Retry-After, 0 when absent
  int http_status = 0;                   // upstream HTTP status, 0 for transport failures
};

[[noreturn]] void throw_exception_from_error(const FetchFailure& failure,
                                             const boost::source_location& location);

template <class T>
using FetchResult = boost::system::result<T, FetchFailure>;

struct HubRequest {
  std::string country_code;  // lower or upper case; sent upper case
  std::string request_id;    // for log lines only
};

// State of each upstream stage, for /readyz and logs.
struct UpstreamStatus {
  bool has_token = false;
  std::int64_t token_age_seconds = -1;
  std::string working_hash;
  std::int64_t last_success_ms = 0;  // Unix epoch ms of the last good hub, 0 if none
  std::string last_failure;          // "<stage>: <kind>" of the last failure, empty if none
  // Secret behind the cached token: "61 (configured)", "61 (bundle)",
  // "embed" for the embed-page token, "none" before the first token.
  std::string totp_version_in_use;
  // countryHubsPage hashes in the order they are tried.
  std::vector<std::string> known_hashes;
  int proxies_total = 0;    // configured proxies, `direct` slots excluded
  int proxies_healthy = 0;  // of those, the ones not cooling down
  // Stage name ("token", "client_token", "pathfinder", "bundle") and its
  // breaker state: "closed", "open" or "half_open".
  std::vector<std::pair<std::string, std::string>> breakers;
};

// Fetches and normalizes country hubs from Spotify's web-player GraphQL
// gateway. Thread-safe: one instance serves every request of the process.
class HubClient {
 public:
  virtual ~HubClient() = default;

  // Returns the normalized hub, its country checked against the request, or
  // the classified failure with the stage that failed.
  virtual FetchResult<HubDocument> fetch_hub(const HubRequest& request) = 0;

  virtual UpstreamStatus status() const = 0;

  // Applies `config` to every fetch that starts afterwards. Fetches in flight
  // keep the settings they started with, but the hash list and the proxy
  // rotation they consult switch at once. Learned hashes, cached tokens,
  // breakers and the health of kept proxies survive the reload. Throws std::invalid_argument
  // naming the setting, and keeps the old configuration, when `config` is
  // invalid. Switching between replay and live mode, and a new record
  // folder, need a restart and are ignored with a warning.
  virtual void reload(ClientConfig config) = 0;
};

// Fills defaults into `config` (app version, hashes) and checks it; creates
// `state_dir` when set. Throws std::invalid_argument naming the setting
// when a value would fail every request.
void complete_config(ClientConfig& config);

// Creates the libcurl-based client (or the replaying one when
// `config.replay_dir` is set). Throws std::invalid_argument naming the
// setting when the configuration is invalid (a hash that is not 64 hex
// digits, a missing replay folder, a record folder that cannot be created).
std::unique_ptr<HubClient> make_hub_client(ClientConfig config);

}  // namespace countryhub::spotify
