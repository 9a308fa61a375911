#pragma once

#include <arpa/inet.h>
#include <memory>
#include <netinet/in.h>
#include <string>
#include <sys/socket.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include "spotify/client_defaults.hpp"
#include "spotify/hub_client.hpp"
#include "support/fake_spotify.hpp"
#include "support/fixtures.hpp"

namespace countryhub::spotify {

// The TOTP secret and version the fake Spotify server accepts by default.
inline constexpr const char* kFakeSecret = "countryhub-fake-secret-7Q2x";
inline constexpr int kFakeSecretVersion = 61;

// Returns a 127.0.0.1 port that was free a moment ago and has no listener,
// so connecting to it is refused.
inline int closed_port() {
  const int socket_fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = 0;
  socklen_t size = sizeof(address);
  ::bind(socket_fd, reinterpret_cast<sockaddr*>(&address), sizeof(address));
  ::getsockname(socket_fd, reinterpret_cast<sockaddr*>(&address), &size);
  ::close(socket_fd);
  return ntohs(address.sin_port);
}

// Runs one fake Spotify server per test suite and resets it before each test,
// so every test starts with default configuration, no faults and zero counters.
class FakeSpotifyClientTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    fake_ = countryhub::testing::FakeSpotify::start(countryhub::testing::fixture_path("composed"));
  }
  static void TearDownTestSuite() { fake_.reset(); }
  void SetUp() override { fake_->reset(); }

  static countryhub::testing::FakeSpotify& fake() { return *fake_; }

  // Returns a configuration aiming every Spotify host at the fake.
  static ClientConfig fake_config() {
    ClientConfig config;
    config.web_url = fake_->base_url();
    config.api_url = fake_->base_url();
    config.clienttoken_url = fake_->base_url();
    config.totp_secret = kFakeSecret;
    config.totp_version = kFakeSecretVersion;
    config.upstream_timeout_ms = 5000;
    return config;
  }

  static std::int64_t calls(std::string_view endpoint) { return fake_->calls(endpoint); }

  // Returns the lower-case request headers of the last Pathfinder call.
  static boost::json::object last_pathfinder_headers() {
    const boost::json::object counters = fake_->calls();
    return counters.at("last_pathfinder").at("headers").as_object();
  }

  static std::string last_pathfinder_member(std::string_view name) {
    const boost::json::object counters = fake_->calls();
    const auto& member = counters.at("last_pathfinder").at(name);
    return member.is_string() ? std::string(member.as_string()) : std::string();
  }

 private:
  static inline std::unique_ptr<countryhub::testing::FakeSpotify> fake_;
};

}  // namespace countryhub::spotify
