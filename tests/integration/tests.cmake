# Integration tests: the real countryhub binary against replayed captures
# and the fake Spotify, each on a fresh database and a free port.
find_package(CURL REQUIRED)
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
add_dependencies(integration_tests countryhub)
