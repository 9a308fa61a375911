#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace CLI {
class App;
}

namespace countryhub::app {

// Every setting of the service. Precedence, highest first: command-line
// flags, environment variables COUNTRYHUB_<FLAG> (upper case, '-' as '_'),
// the file named by --config, built-in defaults.
struct Settings {
  std::string config_path;
  std::string listen = "127.0.0.1:8080";
  std::string database = "sqlite:countryhub.db";
  std::string spotify_web_url = "https://open.spotify.com";
  std::string spotify_api_url = "https://api-partner.spotify.com";
  std::string spotify_clienttoken_url = "https://clienttoken.spotify.com";
  std::string totp_secret;
  int totp_version = 0;
  std::vector<std::string> query_hashes;
  std::vector<std::string> proxies;
  std::int64_t upstream_timeout_ms = 10000;
  std::string app_version;
  std::string replay_dir;
  std::string record_dir;
  std::string log_level = "info";
  int io_threads = 0;  // 0: one per core
  int worker_threads = 32;
  std::int64_t drain_timeout_ms = 30000;
  std::int64_t request_timeout_ms = 15000;
  std::int64_t max_connections = 4096;
  std::string state_dir;
  int max_attempts = 3;
  std::int64_t retry_base_ms = 200;
  std::int64_t breaker_failures = 5;
  std::int64_t breaker_open_ms = 30000;
  std::int64_t proxy_cooldown_ms = 60000;
  std::int64_t max_retry_after_wait_ms = 2000;
  bool scan_bundle = true;
  std::int64_t cache_fresh_seconds = 300;
  std::int64_t cache_stale_while_revalidate_seconds = 300;
  std::int64_t cache_stale_if_error_seconds = 3600;
  std::int64_t cache_max_mb = 32;
  std::int64_t store_sync_ms = 100;
  std::string port_file;  // written with the bound port once listening, for scripts
};

// Which settings a subcommand reads.
enum class SettingsScope {
  kStore,  // --config, --database, --log-level: account and key management
  kServe,  // everything
};

// Registers the settings of `scope` as options of `command`, each with its
// environment variable, unit and default in --help.
void add_settings_options(CLI::App& command, Settings& settings, SettingsScope scope);

// Loads the configuration file named by --config (or COUNTRYHUB_CONFIG) in
// `argv` into `settings`, before the command line is parsed so that flags
// and environment override it. Returns an error message, empty on success;
// a named file that cannot be read or has unknown settings is an error.
std::string load_config_file(int argc, const char* const* argv, Settings& settings);

// Reads the `serve` settings again from `serve_args` (the arguments after
// `serve`), the environment and the configuration file, as at startup, for
// a reload on SIGHUP. Returns an error message, empty on success.
std::string reread_serve_settings(const std::vector<std::string>& serve_args, Settings& settings);

// Splits "HOST:PORT" or "[IPV6]:PORT"; false when malformed.
bool split_host_port(const std::string& text, std::string& host, unsigned short& port);

}  // namespace countryhub::app
