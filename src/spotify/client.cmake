# The Pathfinder client: libcurl transport, retries, breakers and proxies,
# web-player and client tokens, countryHubsPage calls, bundle scanning,
# recording and replay. Paths are relative to src/.
find_package(CURL REQUIRED)
find_package(OpenSSL REQUIRED COMPONENTS Crypto)

add_library(countryhub_spotify_client
  spotify/bundle_scan.cpp
  spotify/bundle_scanner.cpp
  spotify/circuit_breaker.cpp
  spotify/client_token.cpp
  spotify/http_transport.cpp
  spotify/hub_client.cpp
  spotify/learned_state.cpp
  spotify/live_client.cpp
  spotify/pathfinder_call.cpp
  spotify/proxy_pool.cpp
  spotify/recording.cpp
  spotify/replay_client.cpp
  spotify/resilient_caller.cpp
  spotify/retry_policy.cpp
  spotify/state_file.cpp
  spotify/token_sources.cpp
  spotify/totp.cpp
  spotify/upstream_caller.cpp
  spotify/upstream_classifier.cpp
  spotify/url_building.cpp
  spotify/web_token.cpp
)
target_link_libraries(countryhub_spotify_client
  PUBLIC countryhub_spotify
  PRIVATE CURL::libcurl OpenSSL::Crypto Boost::json)
