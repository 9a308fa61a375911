#include "app/serve_command.hpp"

#include <csignal>
#include <fstream>
#include <thread>

#include <boost/asio/ip/address.hpp>
#include <fmt/format.h>
#include <pthread.h>
#include <sys/resource.h>

#include "billing/access.hpp"
#include "cache/hub_cache.hpp"
#include "billing/group_commit.hpp"
#include "billing/ledger.hpp"
#include "billing/minute_limiter.hpp"
#include "http/envelope.hpp"
#include "http/idempotency.hpp"
#include "http/usage_handler.hpp"
#include "common/logging.hpp"
#include "http/metrics.hpp"
#include "http/ops_handler.hpp"
#include "http/popular_handler.hpp"
#include "http/router.hpp"
#include "http/server.hpp"
#include "spotify/client_defaults.hpp"
#include "spotify/defaults.hpp"
#include "spotify/hub_client.hpp"
#include "store/store.hpp"

namespace countryhub::app {
namespace {

spotify::ClientConfig client_config(const Settings& settings) {
  spotify::ClientConfig config;
  config.web_url = settings.spotify_web_url;
  config.api_url = settings.spotify_api_url;
  config.clienttoken_url = settings.spotify_clienttoken_url;
  config.totp_secret = settings.totp_secret;
  config.totp_version = settings.totp_version;
  config.query_hashes = settings.query_hashes;
  if (config.query_hashes.empty()) {
    config.query_hashes.assign(spotify::kDefaultQueryHashes.begin(),
                               spotify::kDefaultQueryHashes.end());
  }
  config.proxies = settings.proxies;
  config.upstream_timeout_ms = settings.upstream_timeout_ms;
  config.app_version =
      settings.app_version.empty() ? std::string(spotify::kDefaultAppVersion) : settings.app_version;
  config.replay_dir = settings.replay_dir;
  config.record_dir = settings.record_dir;
  config.state_dir = settings.state_dir;
  config.max_attempts = settings.max_attempts;
  config.retry_base_ms = settings.retry_base_ms;
  config.breaker_failures = settings.breaker_failures;
  config.breaker_open_ms = settings.breaker_open_ms;
  config.proxy_cooldown_ms = settings.proxy_cooldown_ms;
  config.max_retry_after_wait_ms = settings.max_retry_after_wait_ms;
  config.scan_bundle = settings.scan_bundle;
  return config;
}

cache::CacheConfig cache_config(const Settings& settings) {
  cache::CacheConfig config;
  config.fresh_ttl_ms = settings.cache_fresh_seconds * 1000;
  config.stale_while_revalidate_ms = settings.cache_stale_while_revalidate_seconds * 1000;
  config.stale_if_error_ms = settings.cache_stale_if_error_seconds * 1000;
  config.max_bytes = static_cast<std::size_t>(settings.cache_max_mb) * 1024 * 1024;
  config.body_prefix = http::kSuccessPrefix;
  config.body_suffix = "}";
  return config;
}

// Checks the per-connection limits and copies them into `server`; returns
// the problem, empty when they are usable.
std::string check_connection_settings(const Settings& settings, http::ServerConfig& server) {
  if (settings.request_timeout_ms < 100 || settings.request_timeout_ms > 600000) {
    return "--request-timeout-ms must be between 100 and 600000";
  }
  if (settings.max_connections < 1 || settings.max_connections > 1000000) {
    return "--max-connections must be between 1 and 1000000";
  }
  server.request_timeout_ms = settings.request_timeout_ms;
  server.max_connections = static_cast<std::size_t>(settings.max_connections);
  return {};
}

// Checks what would otherwise fail later and less clearly; returns the
// problem, empty when the settings are usable.
std::string check_settings(const Settings& settings, http::ServerConfig& server) {
  std::string host;
  unsigned short port = 0;
  if (!split_host_port(settings.listen, host, port)) {
    return fmt::format("--listen '{}' is not HOST:PORT", settings.listen);
  }
  boost::system::error_code ec;
  const auto address = boost::asio::ip::make_address(host, ec);
  if (ec) {
    return fmt::format("--listen host '{}' is not an IP address", host);
  }
  server.listen = {address, port};
  if (settings.upstream_timeout_ms < 100 || settings.upstream_timeout_ms > 120000) {
    return "--upstream-timeout-ms must be between 100 and 120000";
  }
  if (settings.worker_threads < 1 || settings.worker_threads > 1024 || settings.io_threads < 0 ||
      settings.io_threads > 256) {
    return "--workers must be 1..1024 and --io-threads 0..256";
  }
  for (const std::int64_t seconds :
       {settings.cache_fresh_seconds, settings.cache_stale_while_revalidate_seconds,
        settings.cache_stale_if_error_seconds}) {
    if (seconds < 0 || seconds > 7 * 86400) {
      return "--cache-*-seconds must be between 0 and 604800 (a week)";
    }
  }
  if (const std::string problem = check_connection_settings(settings, server);
      !problem.empty()) {
    return problem;
  }
  if (settings.store_sync_ms < 0 || settings.store_sync_ms > 60000) {
    return "--store-sync-ms must be between 0 and 60000";
  }
  if (settings.cache_max_mb < 1 || settings.cache_max_mb > 65536) {
    return "--cache-max-mb must be between 1 and 65536";
  }
  if (!settings.totp_secret.empty() && settings.totp_version <= 0) {
    return "--totp-secret needs --totp-version, the secret's version number";
  }
  for (const std::string& hash : settings.query_hashes) {
    if (hash.size() != 64 || hash.find_first_not_of("0123456789abcdef") != std::string::npos) {
      return fmt::format("--query-hash '{}' is not 64 lower-case hex digits", hash);
    }
  }
  const unsigned cores = std::max(1u, std::thread::hardware_concurrency());
  server.io_threads = settings.io_threads > 0 ? settings.io_threads : static_cast<int>(cores);
  server.worker_threads = settings.worker_threads;
  server.drain_timeout_ms = settings.drain_timeout_ms;
  return {};
}

// Raises the open-file limit to its hard maximum: each connection uses a
// descriptor, and the soft default (often 1024) is below --max-connections.
void raise_descriptor_limit() {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < limit.rlim_max) {
    limit.rlim_cur = limit.rlim_max;
    setrlimit(RLIMIT_NOFILE, &limit);
  }
}

// Blocks SIGINT, SIGTERM and SIGHUP in every thread started after this
// call; one thread takes them with sigwait.
sigset_t block_signals() {
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGHUP);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  return signals;
}

// Applies the upstream settings read again from the arguments, environment
// and file; a bad configuration is logged and the running one kept.
void reload_upstream(const std::vector<std::string>& serve_args, spotify::HubClient& hub_client) {
  const auto log = common::logger("app");
  Settings fresh;
  if (const std::string problem = reread_serve_settings(serve_args, fresh); !problem.empty()) {
    log->error("reload_failed reason=\"{}\"", problem);
    return;
  }
  try {
    hub_client.reload(client_config(fresh));
  } catch (const std::invalid_argument& error) {
    log->error("reload_failed reason=\"{}\"", error.what());
    return;
  }
  log->info("reload_done upstream_settings=applied note=\"listen, database, workers and cache "
            "settings need a restart\"");
}

}  // namespace

int run_serve_command(const Settings& settings, std::vector<std::string> serve_args) {
  common::configure_logging(settings.log_level);
  const auto log = common::logger("app");
  http::ServerConfig server_config;
  if (const std::string problem = check_settings(settings, server_config); !problem.empty()) {
    log->critical("invalid_configuration reason=\"{}\"", problem);
    return 2;
  }
  // Blocked before any thread starts (the store starts one), so every thread
  // inherits the mask and only the signal loop below takes them.
  const sigset_t handled_signals = block_signals();
  auto store = store::open_store(
      settings.database, store::StoreOptions{std::chrono::milliseconds(settings.store_sync_ms)});
  if (!store) {
    log->critical("store_open_failed database={} reason=\"{}\"", settings.database,
                  store.error().detail);
    return 1;
  }
  raise_descriptor_limit();

  std::unique_ptr<spotify::HubClient> hub_client = spotify::make_hub_client(client_config(settings));
  const common::Clock clock = common::system_clock();
  // One read of the credentials version serves the requests of the next
  // 2 ms: under load that saves a store read per request, and a revoke made
  // with the CLI still takes effect within 2 ms.
  billing::Access access(**store, clock, std::chrono::milliseconds(2));
  billing::MinuteLimiter limiter;
  billing::GroupCommitter committer(**store);
  billing::CreditLedger ledger(**store, committer, clock);
  http::Billing billing{access, limiter, ledger, clock};
  http::IdempotencyGate idempotency(**store, clock);
  http::Metrics metrics;
  cache::HubCache hubs(*hub_client, cache_config(settings), clock);
  http::PopularHandler popular(billing, hubs, idempotency);
  http::UsageHandler usage(billing, **store);
  http::OpsHandler ops(**store, *hub_client, metrics);
  http::Router router(popular, usage, ops, metrics);
  http::Server server(
      server_config,
      [&router](const http::Request& request, const http::RequestContext& context) {
        return router.handle(request, context);
      },
      [&router](const http::Request& request, const http::RequestContext& context,
                const http::Reply& reply) { return router.try_handle_now(request, context, reply); });
  if (const std::string problem = server.bind(); !problem.empty()) {
    log->critical("listen_failed reason=\"{}\"", problem);
    return 1;
  }
  const auto endpoint = server.local_endpoint();
  if (!settings.port_file.empty()) {
    std::ofstream(settings.port_file) << endpoint.port() << '\n';
  }
  log->info("server_started listen={}:{} database={} upstream={} io_threads={} workers={}",
            endpoint.address().to_string(), endpoint.port(), settings.database,
            settings.replay_dir.empty() ? settings.spotify_api_url : "replay:" + settings.replay_dir,
            server_config.io_threads, server_config.worker_threads);

  std::atomic<bool> is_finished{false};
  std::thread signal_waiter([&] {
    for (;;) {
      int signal_number = 0;
      sigwait(&handled_signals, &signal_number);
      if (is_finished.load()) {
        return;
      }
      if (signal_number == SIGHUP) {
        reload_upstream(serve_args, *hub_client);
        continue;
      }
      log->info("server_stopping signal={}", signal_number);
      server.stop();
      return;
    }
  });
  server.run();
  is_finished.store(true);
  // Wakes the waiter when the server stopped for another reason.
  pthread_kill(signal_waiter.native_handle(), SIGTERM);
  signal_waiter.join();
  log->info("server_stopped");
  return 0;
}

}  // namespace countryhub::app
