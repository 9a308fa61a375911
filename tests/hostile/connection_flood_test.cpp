// Thousands of idle connections: other clients keep being served, the
// server's descriptors and memory stay bounded and fall back once the
// connections close, and connections past the limit get 503.
#include <thread>

#include "hostile/hostile_fixture.hpp"

namespace countryhub::testing {
namespace {

using std::chrono::milliseconds;
using std::chrono::steady_clock;

class ConnectionFloodTest : public HostileTest {
 protected:
  void SetUp() override {
    // Room for the test's own sockets besides the usual descriptors. A
    // machine whose hard limit is lower cannot run these tests at all; the
    // limit is a property of the machine, not of the server.
    if (const long limit = raise_open_file_limit(8192); limit < 4200) {
      GTEST_SKIP() << "needs an open-file hard limit of at least 4200, this machine allows "
                   << limit << " (raise it with ulimit -Hn)";
    }
  }

  // Waits up to 5 s until the server's descriptor count satisfies `is_done`;
  // returns the last count seen.
  template <class Predicate>
  int wait_for_descriptors(Predicate is_done) const {
    const auto deadline = steady_clock::now() + milliseconds(5000);
    int count = open_descriptor_count(service_->pid());
    while (!is_done(count) && steady_clock::now() < deadline) {
      std::this_thread::sleep_for(milliseconds(50));
      count = open_descriptor_count(service_->pid());
    }
    return count;
  }

  std::vector<RawConnection> open_idle(int count) const {
    std::vector<RawConnection> connections;
    connections.reserve(static_cast<std::size_t>(count));
    for (int i = 0; i < count; ++i) {
      connections.push_back(connect());
    }
    return connections;
  }
};

TEST_F(ConnectionFloodTest, TwoThousandIdleConnectionsStayBounded) {
  constexpr int kIdle = 2000;
  start_hostile_service();
  expect_still_serving();  // warms the cache, so later timings measure the connections only
  const pid_t pid = service_->pid();
  const int baseline_fds = steady_descriptor_count();
  const long baseline_rss_kib = resident_kib(pid);
  long first_peak_rss_kib = 0;
  for (int round = 0; round < 2; ++round) {
    std::vector<RawConnection> idle = open_idle(kIdle);
    const int fds = wait_for_descriptors([&](int n) { return n >= baseline_fds + kIdle; });
    EXPECT_GE(fds, baseline_fds + kIdle) << "round " << round;
    EXPECT_LE(fds, baseline_fds + kIdle + 16) << "round " << round;
    expect_still_serving();
    const long rss_kib = resident_kib(pid);
    RecordProperty("round" + std::to_string(round) + "_rss_growth_kib",
                   std::to_string(rss_kib - baseline_rss_kib));
    // Each idle connection may cost a socket, a session and a small read
    // buffer: well under 16 KiB.
    EXPECT_LT(rss_kib - baseline_rss_kib, kIdle * 16) << "round " << round;
    if (round == 0) {
      first_peak_rss_kib = rss_kib;
    } else {
      // A second wave of the same size must reuse the first one's memory.
      EXPECT_LT(rss_kib - first_peak_rss_kib, 4 * 1024);
    }
    idle.clear();
    const int after = wait_for_descriptors([&](int n) { return n <= baseline_fds; });
    EXPECT_EQ(after, baseline_fds) << "round " << round;
  }
  expect_still_serving();
}

TEST_F(ConnectionFloodTest, ConnectionsPastTheLimitGet503) {
  constexpr int kLimit = 100;
  start_hostile_service({"--max-connections", std::to_string(kLimit)});
  const int baseline_fds = steady_descriptor_count();
  std::vector<RawConnection> idle = open_idle(kLimit);
  wait_for_descriptors([&](int n) { return n >= baseline_fds + kLimit; });

  RawConnection extra = connect();
  const auto reply = extra.read_response(kResponseTimeout);
  ASSERT_TRUE(reply.has_value());
  EXPECT_EQ(reply->status, 503);
  EXPECT_EQ(error_code_of(*reply), "unavailable");
  EXPECT_TRUE(follows_contract(*reply));
  EXPECT_TRUE(extra.wait_closed(kResponseTimeout));

  // Once some idle connections go, new clients are served again.
  idle.erase(idle.begin() + kLimit / 2, idle.end());
  wait_for_descriptors([&](int n) { return n <= baseline_fds + kLimit / 2; });
  expect_still_serving();
}

TEST_F(ConnectionFloodTest, DefaultLimitIs4096Connections) {
  start_hostile_service();
  const int baseline_fds = steady_descriptor_count();
  std::vector<RawConnection> idle = open_idle(4096);
  const int fds = wait_for_descriptors([&](int n) { return n >= baseline_fds + 4096; });
  ASSERT_GE(fds, baseline_fds + 4096);

  RawConnection extra = connect();
  const auto reply = extra.read_response(kResponseTimeout);
  ASSERT_TRUE(reply.has_value());
  EXPECT_EQ(reply->status, 503);
  EXPECT_TRUE(follows_contract(*reply));
  idle.clear();
  wait_for_descriptors([&](int n) { return n <= baseline_fds; });
  expect_still_serving();
}

}  // namespace
}  // namespace countryhub::testing
