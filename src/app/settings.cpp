#include "app/settings.hpp"

#include <cctype>
#include <charconv>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string_view>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "app/config_file.hpp"

namespace countryhub::app {
namespace {

// Calls `visit(name, help, scope, field)` for every setting, so that the
// command line, the environment and the file share one list.
template <class Visitor>
void for_each_setting(Settings& s, Visitor&& visit) {
  const auto store = SettingsScope::kStore;
  const auto serve = SettingsScope::kServe;
  visit("database", "Store URL: sqlite:PATH (created on first start)", store, s.database);
  visit("log-level", "trace, debug, info, warn, error or off", store, s.log_level);
  visit("listen", "Address and port to serve on, HOST:PORT or [IPV6]:PORT (port 0: any)", serve,
        s.listen);
  visit("spotify-web-url", "Base URL of the web player (tokens, server time, bundle)", serve,
        s.spotify_web_url);
  visit("spotify-api-url", "Base URL of the Pathfinder GraphQL gateway", serve,
        s.spotify_api_url);
  visit("spotify-clienttoken-url", "Base URL of the client-token service", serve,
        s.spotify_clienttoken_url);
  visit("totp-secret",
        "TOTP secret as it appears in the web-player bundle; empty: use the embed-page token",
        serve, s.totp_secret);
  visit("totp-version", "Version number of --totp-secret", serve, s.totp_version);
  visit("query-hash",
        "countryHubsPage persisted-query hash (64 hex), repeatable, tried in order "
        "(default: the known hashes listed in docs/configuration.md)",
        serve, s.query_hashes);
  visit("proxy", "Upstream proxy URL (http://, https://, socks5://), repeatable, used in turn",
        serve, s.proxies);
  visit("upstream-timeout-ms", "Deadline of one hub fetch from Spotify, milliseconds", serve,
        s.upstream_timeout_ms);
  visit("app-version", "spotify-app-version sent upstream (default: built-in web-player version)",
        serve, s.app_version);
  visit("replay", "Serve recorded upstream responses from this folder instead of Spotify",
        serve, s.replay_dir);
  visit("record", "Write every raw upstream response into this folder", serve, s.record_dir);
  visit("store-sync-ms",
        "Longest time a committed charge waits for the disk, milliseconds; 0: sync each commit "
        "before answering (see docs/api.md, Charging)",
        serve, s.store_sync_ms);
  visit("io-threads", "Threads serving sockets (0: one per core)", serve, s.io_threads);
  visit("workers", "Threads running requests that wait on the store or Spotify", serve,
        s.worker_threads);
  visit("drain-timeout-ms",
        "Time in-flight requests get to finish after SIGTERM or SIGINT, milliseconds", serve,
        s.drain_timeout_ms);
  visit("request-timeout-ms",
        "Time a connection gets to deliver each whole request, idle keep-alive time included, "
        "milliseconds",
        serve, s.request_timeout_ms);
  visit("max-connections", "Open connections served at once; more are answered 503 and closed",
        serve, s.max_connections);
  visit("state-dir",
        "Folder where learned upstream state (query hashes, TOTP secret) is kept across restarts",
        serve, s.state_dir);
  visit("max-attempts", "Calls per upstream request, the first included (1: no retries)", serve,
        s.max_attempts);
  visit("retry-base-ms", "Backoff base: retry n waits up to base * 2^(n-1) ms, full jitter",
        serve, s.retry_base_ms);
  visit("breaker-failures", "Consecutive failures of one upstream stage that pause its calls",
        serve, s.breaker_failures);
  visit("breaker-open-ms", "How long a stage's calls stay paused before one trial, milliseconds",
        serve, s.breaker_open_ms);
  visit("proxy-cooldown-ms", "How long a failing proxy leaves the rotation, milliseconds", serve,
        s.proxy_cooldown_ms);
  visit("max-retry-after-wait-ms",
        "Longest Retry-After slept on; longer ones answer 502 at once, milliseconds", serve,
        s.max_retry_after_wait_ms);
  visit("scan-bundle",
        "Read the web-player bundle for new query hashes and TOTP secrets (true or false)", serve,
        s.scan_bundle);
  visit("cache-fresh-seconds", "A cached hub is served as fresh this long, seconds", serve,
        s.cache_fresh_seconds);
  visit("cache-stale-while-revalidate-seconds",
        "After that, served stale this long while one refresh runs, seconds", serve,
        s.cache_stale_while_revalidate_seconds);
  visit("cache-stale-if-error-seconds",
        "After the fresh time, served stale this long when Spotify fails, seconds", serve,
        s.cache_stale_if_error_seconds);
  visit("cache-max-mb", "Memory for cached hubs, MiB; least recently used go first", serve,
        s.cache_max_mb);
  visit("port-file", "Write the bound port number to this file once listening", serve,
        s.port_file);
}

std::string env_name(std::string_view name) {
  std::string env = "COUNTRYHUB_";
  for (char c : name) {
    env += c == '-' ? '_' : static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  }
  return env;
}

bool assign(std::string& field, const std::string& value) {
  field = value;
  return true;
}

bool assign(std::vector<std::string>& field, const std::string& value) {
  field.push_back(value);
  return true;
}

bool assign(bool& field, const std::string& value) {
  if (value == "true" || value == "1" || value == "on") {
    field = true;
    return true;
  }
  if (value == "false" || value == "0" || value == "off") {
    field = false;
    return true;
  }
  return false;
}

template <class Number>
bool assign(Number& field, const std::string& value) {
  const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), field);
  return ec == std::errc{} && end == value.data() + value.size();
}

std::string config_path_from(int argc, const char* const* argv) {
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg == "--config" && i + 1 < argc) {
      return argv[i + 1];
    }
    if (arg.starts_with("--config=")) {
      return std::string(arg.substr(9));
    }
  }
  const char* from_env = std::getenv("COUNTRYHUB_CONFIG");
  return from_env != nullptr ? from_env : "";
}

}  // namespace

void add_settings_options(CLI::App& command, Settings& settings, SettingsScope scope) {
  command
      .add_option("--config", settings.config_path,
                  "Configuration file of 'name = value' lines (names as these flags)")
      ->envname("COUNTRYHUB_CONFIG");
  for_each_setting(settings, [&](std::string_view name, std::string_view help,
                                 SettingsScope needed, auto& field) {
    if (needed == SettingsScope::kServe && scope != SettingsScope::kServe) {
      return;
    }
    auto* option = command.add_option(fmt::format("--{}", name), field, std::string(help));
    option->envname(env_name(name))->capture_default_str();
    if constexpr (std::is_same_v<std::decay_t<decltype(field)>, std::vector<std::string>>) {
      // A repeated flag adds a value; the environment takes a comma-separated list.
      option->delimiter(',');
    }
  });
}

std::string load_config_file(int argc, const char* const* argv, Settings& settings) {
  const std::string path = config_path_from(argc, argv);
  if (path.empty()) {
    return {};
  }
  std::ifstream file(path, std::ios::binary);
  std::stringstream text;
  text << file.rdbuf();
  if (!file) {
    return fmt::format("cannot read configuration file {}", path);
  }
  auto entries = parse_config_text(text.str());
  if (!entries) {
    return fmt::format("configuration file {}: {}", path, entries.error());
  }
  for (const ConfigEntry& entry : *entries) {
    bool is_known = false;
    bool is_valid = true;
    for_each_setting(settings, [&](std::string_view name, std::string_view, SettingsScope,
                                   auto& field) {
      if (name == entry.name) {
        is_known = true;
        is_valid = assign(field, entry.value);
      }
    });
    if (!is_known || !is_valid) {
      return fmt::format("configuration file {} line {}: {} '{}'", path, entry.line,
                         is_known ? "invalid value for" : "unknown setting", entry.name);
    }
  }
  return {};
}

std::string reread_serve_settings(const std::vector<std::string>& serve_args,
                                  Settings& settings) {
  std::vector<const char*> argv = {"countryhub"};
  for (const std::string& arg : serve_args) {
    argv.push_back(arg.c_str());
  }
  Settings fresh;
  if (std::string problem =
          load_config_file(static_cast<int>(argv.size()), argv.data(), fresh);
      !problem.empty()) {
    return problem;
  }
  CLI::App app;
  add_settings_options(app, fresh, SettingsScope::kServe);
  try {
    // CLI11 wants the arguments in reverse order when given as a vector.
    std::vector<std::string> reversed(serve_args.rbegin(), serve_args.rend());
    app.parse(reversed);
  } catch (const CLI::ParseError& error) {
    return error.what();
  }
  settings = std::move(fresh);
  return {};
}

bool split_host_port(const std::string& text, std::string& host, unsigned short& port) {
  const auto colon = text.rfind(':');
  if (colon == std::string::npos || colon == 0) {
    return false;
  }
  host = text.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  const std::string port_text = text.substr(colon + 1);
  return assign(port, port_text) && !host.empty();
}

}  // namespace countryhub::app
