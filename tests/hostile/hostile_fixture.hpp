#pragma once

#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "hostile/contract.hpp"
#include "hostile/process_stats.hpp"
#include "hostile/raw_http.hpp"
#include "integration/service_fixture.hpp"

namespace countryhub::testing {

// A real `countryhub serve` on replayed hubs with one Enterprise account
// (1,000 requests a minute, so attacks do not run into the rate limit),
// and raw connections to it.
class HostileTest : public ServiceTest {
 protected:
  static constexpr std::chrono::milliseconds kResponseTimeout{5000};
  static constexpr std::string_view kDataPath = "/api/v1/spotify/popular-by-country";

  // Creates the account and starts the server with `args` added.
  void start_hostile_service(std::vector<std::string> args = {}) {
    key_ = account_with_key("mallory@example.com", "enterprise");
    start_replaying_service(std::move(args));
  }

  RawConnection connect() const { return RawConnection(service_->port()); }

  // Returns "x-api-key: KEY\r\n", the header line of this test's key.
  std::string key_header() const { return "x-api-key: " + key_ + "\r\n"; }

  // Sends `bytes` on a new connection and reads one response; the response
  // is empty (status 0) when none arrived within kResponseTimeout.
  RawResponse exchange(std::string_view bytes) {
    RawConnection connection = connect();
    connection.send(bytes);
    return connection.read_response(kResponseTimeout).value_or(RawResponse{});
  }

  // Returns the server's descriptor count once it held still for 300 ms
  // (at most 3 s), so connections that just closed are not counted.
  int steady_descriptor_count() const {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(3);
    int count = open_descriptor_count(service_->pid());
    auto steady_since = std::chrono::steady_clock::now();
    while (std::chrono::steady_clock::now() < deadline &&
           std::chrono::steady_clock::now() - steady_since < std::chrono::milliseconds(300)) {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
      const int next = open_descriptor_count(service_->pid());
      if (next != count) {
        count = next;
        steady_since = std::chrono::steady_clock::now();
      }
    }
    return count;
  }

  // Checks that a well-behaved client still gets its hub promptly.
  void expect_still_serving() {
    const auto started = std::chrono::steady_clock::now();
    const RawResponse reply = exchange(get_request(kDataPath, key_header()));
    const auto elapsed = std::chrono::steady_clock::now() - started;
    EXPECT_EQ(reply.status, 200) << reply.body;
    EXPECT_TRUE(follows_contract(reply));
    EXPECT_LT(elapsed, std::chrono::seconds(2));
  }

  std::string key_;
};

}  // namespace countryhub::testing
