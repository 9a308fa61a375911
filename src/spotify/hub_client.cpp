#include "spotify/hub_client.hpp"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <stdexcept>

#include <fmt/format.h>

#include "common/logging.hpp"
#include "spotify/bundle_scan.hpp"
#include "spotify/client_defaults.hpp"
#include "spotify/defaults.hpp"
#include "spotify/live_client.hpp"
#include "spotify/proxy_pool.hpp"
#include "spotify/replay_client.hpp"
#include "spotify/state_file.hpp"

namespace countryhub::spotify {
namespace {

void require_http_url(std::string_view setting, std::string_view url) {
  if (!url.starts_with("http://") && !url.starts_with("https://")) {
    throw std::invalid_argument(
        fmt::format("{} '{}' is not an http:// or https:// URL", setting, url));
  }
}

// Rejects hashes that are not 64 hex digits and lower-cases the others,
// because the bundle writes them in lower case and learned and configured
// hashes must compare equal.
void check_hashes(std::vector<std::string>& hashes) {
  for (std::string& hash : hashes) {
    if (!is_sha256_hex(hash)) {
      throw std::invalid_argument(
          fmt::format("--query-hash '{}' is not a SHA-256 hash of 64 hexadecimal digits", hash));
    }
    std::transform(hash.begin(), hash.end(), hash.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  }
}

void check_proxies(const std::vector<std::string>& proxies) {
  for (const std::string& proxy : proxies) {
    if (proxy != kDirectRoute && proxy.find("://") == std::string::npos) {
      throw std::invalid_argument(
          fmt::format("--proxy '{}' needs a scheme such as http:// or socks5://; use the word "
                      "direct for a direct connection",
                      proxy));
    }
  }
}

void require_at_least(std::string_view setting, std::int64_t value, std::int64_t minimum) {
  if (value < minimum) {
    throw std::invalid_argument(
        fmt::format("{} {} is out of range; use a value of at least {}", setting, value, minimum));
  }
}

void check_resilience(const ClientConfig& config) {
  require_at_least("--max-attempts", config.max_attempts, 1);
  require_at_least("--retry-base-ms", config.retry_base_ms, 1);
  require_at_least("--breaker-failures", config.breaker_failures, 1);
  require_at_least("--breaker-open-ms", config.breaker_open_ms, 1);
  require_at_least("--proxy-cooldown-ms", config.proxy_cooldown_ms, 1);
  require_at_least("--max-retry-after-wait-ms", config.max_retry_after_wait_ms, 0);
}

}  // namespace

void complete_config(ClientConfig& config) {
  if (config.app_version.empty()) {
    config.app_version = std::string(kDefaultAppVersion);
  }
  if (config.query_hashes.empty()) {
    config.query_hashes.assign(kDefaultQueryHashes.begin(), kDefaultQueryHashes.end());
  }
  check_hashes(config.query_hashes);
  if (config.upstream_timeout_ms <= 0) {
    throw std::invalid_argument(
        fmt::format("--upstream-timeout-ms {} is not a positive number of milliseconds",
                    config.upstream_timeout_ms));
  }
  if (!config.totp_secret.empty() && config.totp_version <= 0) {
    throw std::invalid_argument(
        "--totp-secret needs --totp-version, the secret's positive version number");
  }
  if (!config.replay_dir.empty() && !config.record_dir.empty()) {
    throw std::invalid_argument(
        "--replay and --record cannot be combined: replay makes no upstream calls");
  }
  require_http_url("--spotify-web-url", config.web_url);
  require_http_url("--spotify-api-url", config.api_url);
  require_http_url("--spotify-clienttoken-url", config.clienttoken_url);
  check_proxies(config.proxies);
  check_resilience(config);
  if (!config.state_dir.empty()) {
    prepare_state_dir(config.state_dir);
  }
}

std::string_view stage_name(Stage stage) {
  switch (stage) {
    case Stage::kToken:
      return "token";
    case Stage::kClientToken:
      return "client_token";
    case Stage::kPathfinder:
      return "pathfinder";
    case Stage::kParse:
      return "parse";
    case Stage::kBundle:
      return "bundle";
  }
  return "unknown";
}

void throw_exception_from_error(const FetchFailure& failure, const boost::source_location&) {
  throw std::runtime_error(fmt::format("{} at stage {}: {}", error_name(failure.kind),
                                       stage_name(failure.stage), failure.detail));
}

std::unique_ptr<HubClient> make_hub_client(ClientConfig config) {
  complete_config(config);
  const auto log = common::logger("spotify");
  if (!config.replay_dir.empty()) {
    if (!std::filesystem::is_directory(config.replay_dir)) {
      throw std::invalid_argument(
          fmt::format("--replay folder '{}' does not exist or is not a folder", config.replay_dir));
    }
    log->info("hub_client_started mode=replay folder={}", config.replay_dir);
    return std::make_unique<ReplayHubClient>(config.replay_dir, config.app_version);
  }
  log->info(
      "hub_client_started mode=live token_source={} hashes={} proxies={} timeout_ms={} "
      "max_attempts={} scan_bundle={} state_dir={} recording={}",
      config.totp_secret.empty() ? (config.scan_bundle ? "bundle_or_embed" : "embed")
                                 : fmt::format("totp_v{}", config.totp_version),
      config.query_hashes.size(), config.proxies.size(), config.upstream_timeout_ms,
      config.max_attempts, config.scan_bundle, config.state_dir.empty() ? "off" : config.state_dir,
      config.record_dir.empty() ? "off" : config.record_dir);
  return std::make_unique<LiveHubClient>(std::move(config));
}

}  // namespace countryhub::spotify
