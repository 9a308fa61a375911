// Slow and silent clients: a connection that takes longer than the request
// timeout to deliver a request is closed, however steadily it trickles,
// and other clients are served meanwhile. The server runs with a 2 s
// timeout (15 s by default) to keep the tests short.
#include <thread>

#include "hostile/hostile_fixture.hpp"

namespace countryhub::testing {
namespace {

using std::chrono::milliseconds;
using std::chrono::steady_clock;

constexpr milliseconds kRequestTimeout{2000};

class SlowClientsTest : public HostileTest {
 protected:
  void SetUp() override {
    start_hostile_service({"--request-timeout-ms", std::to_string(kRequestTimeout.count())});
    baseline_descriptors_ = steady_descriptor_count();
  }

  // Waits up to `timeout` for the server's descriptor count to fall back
  // to what it was after start; returns the last count seen.
  int settled_descriptors(milliseconds timeout) const {
    const auto deadline = steady_clock::now() + timeout;
    int count = open_descriptor_count(service_->pid());
    while (count > baseline_descriptors_ && steady_clock::now() < deadline) {
      std::this_thread::sleep_for(milliseconds(50));
      count = open_descriptor_count(service_->pid());
    }
    return count;
  }

  int baseline_descriptors_ = 0;
};

// A request long enough that one byte every `interval` never completes it
// within the timeout.
std::string slow_request() {
  return get_request("/healthz", "X-Slow: " + std::string(64, 's') + "\r\n");
}

TEST_F(SlowClientsTest, ByteASecondClientIsCutOff) {
  RawConnection slow = connect();
  const std::string request = slow_request();
  const auto started = steady_clock::now();
  std::size_t sent = 0;
  bool was_served_meanwhile = false;
  while (sent < request.size() && !slow.has_input(milliseconds(0))) {
    if (!slow.send(request.substr(sent, 1))) {
      break;
    }
    ++sent;
    if (sent == 2) {
      expect_still_serving();
      was_served_meanwhile = true;
    }
    // has_input doubles as the one-second pause and notices the close early.
    slow.has_input(milliseconds(1000));
  }
  const bool is_closed = slow.wait_closed(milliseconds(5000));
  const auto cut_after = steady_clock::now() - started;
  EXPECT_TRUE(is_closed);
  EXPECT_TRUE(was_served_meanwhile);
  EXPECT_LT(sent, request.size());
  EXPECT_GE(cut_after, kRequestTimeout - milliseconds(100));
  EXPECT_LT(cut_after, kRequestTimeout + milliseconds(1500));
  EXPECT_EQ(settled_descriptors(milliseconds(2000)), baseline_descriptors_);
}

TEST_F(SlowClientsTest, IdleKeepAliveConnectionIsClosed) {
  RawConnection connection = connect();
  connection.send(get_request("/healthz"));
  ASSERT_TRUE(connection.read_response(kResponseTimeout).has_value());
  const auto idle_since = steady_clock::now();
  EXPECT_TRUE(connection.wait_closed(kRequestTimeout + milliseconds(1500)));
  EXPECT_GE(steady_clock::now() - idle_since, kRequestTimeout - milliseconds(100));
}

TEST_F(SlowClientsTest, SilentConnectionIsClosed) {
  RawConnection silent = connect();
  RawConnection half_head = connect();
  half_head.send("GET /healthz HTTP/1.1\r\nHost: 127.");
  EXPECT_TRUE(silent.wait_closed(kRequestTimeout + milliseconds(1500)));
  EXPECT_TRUE(half_head.wait_closed(milliseconds(500)));
}

TEST_F(SlowClientsTest, ManyTricklingClientsAreAllCutOff) {
  constexpr int kClients = 200;
  std::vector<RawConnection> clients;
  for (int i = 0; i < kClients; ++i) {
    clients.push_back(connect());
  }

  const std::string request = slow_request();
  const auto started = steady_clock::now();
  // Every client sends one more byte every 250 ms, until the server has
  // closed them all or twice the timeout passed.
  std::size_t position = 0;
  int open_count = kClients;
  while (open_count > 0 && steady_clock::now() - started < 2 * kRequestTimeout) {
    open_count = 0;
    for (RawConnection& client : clients) {
      if (client.fd() >= 0 && !client.has_input(milliseconds(0)) &&
          client.send(request.substr(position % request.size(), 1))) {
        ++open_count;
      } else {
        client.close();
      }
    }
    ++position;
    if (position == 4) {
      expect_still_serving();
    }
    std::this_thread::sleep_for(milliseconds(250));
  }

  EXPECT_EQ(open_count, 0);
  EXPECT_LT(steady_clock::now() - started, kRequestTimeout + milliseconds(2000));
  EXPECT_EQ(settled_descriptors(milliseconds(2000)), baseline_descriptors_);
  expect_still_serving();
}

}  // namespace
}  // namespace countryhub::testing
