#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <boost/system/result.hpp>

#include "spotify/error.hpp"
#include "spotify/normalizer.hpp"

namespace countryhub::spotify {

// The upstream call that failed; reported as `data.stage` of a 502.
enum class Stage { kToken, kClientToken, kPathfinder, kParse };

// Returns "token", "client_token", "pathfinder" or "parse".
std::string_view stage_name(Stage stage);

struct ClientConfig {
  std::string web_url = "https://open.spotify.com";
  std::string api_url = "https://api-partner.spotify.com";
  std::string clienttoken_url = "https://clienttoken.spotify.com";
  // Raw TOTP secret as it appears in the web-player bundle, and its version.
  // Empty secret: use the embed-page token only.
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
  // Proxy URLs (http://, https://, socks5://) used in rotation; empty: direct.
  std::vector<std::string> proxies;
  // Time budget of one fetch_hub call, shared by all its upstream calls.
  std::int64_t upstream_timeout_ms = 10000;
  // Sent as `spotify-app-version`. Empty: kDefaultAppVersion.
  std::string app_version;
  // Serve recorded upstream responses from this folder instead of the network.
  std::string replay_dir;
  // Write every raw upstream response received into this folder.
  std::string record_dir;
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
};

// Creates the libcurl-based client (or the replaying one when
// `config.replay_dir` is set). Throws std::invalid_argument naming the
// setting when the configuration is invalid (a hash that is not 64 hex
// digits, a missing replay folder, a record folder that cannot be created).
std::unique_ptr<HubClient> make_hub_client(ClientConfig config);

}  // namespace countryhub::spotify
