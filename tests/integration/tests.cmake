# Integration tests: the real countryhub binary against replayed captures
# and the fake Spotify, each on a fresh database and a free port.
find_package(CURL REQUIRED)
find_package(SQLite3 REQUIRED)
add_library(countryhub_service_support STATIC
  support/http_client.cpp
  support/service_process.cpp
)
target_include_directories(countryhub_service_support PUBLIC ${CMAKE_CURRENT_SOURCE_DIR})
target_link_libraries(countryhub_service_support PUBLIC countryhub_test_support CURL::libcurl)

countryhub_test(integration_tests
  SOURCES
    integration/billing_test.cpp
    integration/client_errors_test.cpp
    integration/serve_success_test.cpp
  LIBS countryhub_service_support countryhub_store Boost::json)

countryhub_test(lifecycle_integration_tests
  SOURCES integration/lifecycle_test.cpp
  LIBS countryhub_service_support countryhub_fake_spotify_support SQLite::SQLite3 Boost::json)
add_dependencies(lifecycle_integration_tests countryhub)
add_dependencies(integration_tests countryhub)

countryhub_test(upstream_integration_tests
  SOURCES integration/upstream_errors_test.cpp
  LIBS countryhub_service_support countryhub_fake_spotify_support Boost::json)
add_dependencies(upstream_integration_tests countryhub)

countryhub_test(limits_integration_tests
  SOURCES integration/limits_test.cpp
  LIBS countryhub_service_support countryhub_fake_spotify_support countryhub_store Boost::json)
add_dependencies(limits_integration_tests countryhub)

countryhub_test(cache_integration_tests
  SOURCES integration/cache_test.cpp
  LIBS countryhub_service_support countryhub_fake_spotify_support Boost::json)
add_dependencies(cache_integration_tests countryhub)
