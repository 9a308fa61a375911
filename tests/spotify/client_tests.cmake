# Tests of the libcurl Pathfinder client (countryhub_spotify_client). The
# tests that run against the fake Spotify server join when its support
# library is part of the build.
set(COUNTRYHUB_CLIENT_TEST_SOURCES
  spotify/bundle_scan_test.cpp
  spotify/circuit_breaker_test.cpp
  spotify/deadline_mutex_test.cpp
  spotify/learned_state_test.cpp
  spotify/pathfinder_request_test.cpp
  spotify/proxy_pool_test.cpp
  spotify/recording_test.cpp
  spotify/retry_policy_test.cpp
  spotify/token_parsing_test.cpp
  spotify/totp_test.cpp
  spotify/upstream_classifier_test.cpp
)
set(COUNTRYHUB_CLIENT_TEST_LIBS countryhub_spotify_client Boost::json)
if(TARGET countryhub_fake_spotify_support)
  list(APPEND COUNTRYHUB_CLIENT_TEST_SOURCES
    spotify/http_transport_test.cpp
    spotify/hub_client_failures_test.cpp
    spotify/hub_client_fetch_test.cpp
    spotify/hub_client_healing_test.cpp
    spotify/hub_client_proxy_test.cpp
    spotify/hub_client_retry_test.cpp
  )
  list(APPEND COUNTRYHUB_CLIENT_TEST_LIBS countryhub_fake_spotify_support)
endif()
countryhub_test(spotify_client_tests
  SOURCES ${COUNTRYHUB_CLIENT_TEST_SOURCES}
  LIBS ${COUNTRYHUB_CLIENT_TEST_LIBS})
target_compile_definitions(spotify_client_tests PRIVATE
  COUNTRYHUB_EXAMPLES_DIR="${PROJECT_SOURCE_DIR}/examples")
