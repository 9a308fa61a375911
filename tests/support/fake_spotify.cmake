# C++ support that starts tests/fake_spotify/fake_spotify.py and drives its
# control API, and the test program of that support.
find_package(CURL REQUIRED)

add_library(countryhub_fake_spotify_support STATIC support/fake_spotify.cpp)
target_include_directories(countryhub_fake_spotify_support PUBLIC ${CMAKE_CURRENT_SOURCE_DIR})
target_link_libraries(countryhub_fake_spotify_support
  PUBLIC Boost::json
  PRIVATE CURL::libcurl)
target_compile_definitions(countryhub_fake_spotify_support PRIVATE
  COUNTRYHUB_FAKE_SPOTIFY_SCRIPT="${CMAKE_CURRENT_SOURCE_DIR}/fake_spotify/fake_spotify.py")

countryhub_test(fake_spotify_support_tests
  SOURCES support/fake_spotify_test.cpp
  LIBS countryhub_fake_spotify_support CURL::libcurl)
