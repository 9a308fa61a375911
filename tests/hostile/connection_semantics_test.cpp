// HTTP/1.0, keep-alive and pipelining over raw sockets: responses come in
// order, one per request, and connections close exactly when they should.
#include <thread>

#include "hostile/hostile_fixture.hpp"

namespace countryhub::testing {
namespace {

class ConnectionSemanticsTest : public HostileTest {
 protected:
  void SetUp() override { start_hostile_service(); }
};

TEST_F(ConnectionSemanticsTest, Http10ClosesAfterTheAnswer) {
  RawConnection connection = connect();
  connection.send("GET " + std::string(kDataPath) + " HTTP/1.0\r\n" + key_header() + "\r\n");
  const auto reply = connection.read_response(kResponseTimeout);
  ASSERT_TRUE(reply.has_value());
  EXPECT_EQ(reply->version, "HTTP/1.0");
  EXPECT_EQ(reply->status, 200);
  EXPECT_TRUE(follows_contract(*reply));
  EXPECT_TRUE(connection.wait_closed(kResponseTimeout));
}

TEST_F(ConnectionSemanticsTest, Http10KeepAliveServesASecondRequest) {
  RawConnection connection = connect();
  const std::string request = "GET /healthz HTTP/1.0\r\nConnection: keep-alive\r\n\r\n";
  for (int i = 0; i < 2; ++i) {
    ASSERT_TRUE(connection.send(request));
    const auto reply = connection.read_response(kResponseTimeout);
    ASSERT_TRUE(reply.has_value()) << "request " << i;
    EXPECT_EQ(reply->version, "HTTP/1.0");
    EXPECT_EQ(reply->status, 200);
    EXPECT_EQ(reply->header("connection"), "keep-alive");
  }
}

TEST_F(ConnectionSemanticsTest, Http10WithoutHostOrHeadersIsServed) {
  const RawResponse reply = exchange("GET /healthz HTTP/1.0\r\n\r\n");
  EXPECT_EQ(reply.status, 200);
  EXPECT_TRUE(follows_contract(reply));
}

TEST_F(ConnectionSemanticsTest, ConnectionCloseIsHonoured) {
  RawConnection connection = connect();
  connection.send(get_request("/healthz", "Connection: close\r\n"));
  const auto reply = connection.read_response(kResponseTimeout);
  ASSERT_TRUE(reply.has_value());
  EXPECT_EQ(reply->status, 200);
  EXPECT_TRUE(connection.wait_closed(kResponseTimeout));
}

TEST_F(ConnectionSemanticsTest, PipelinedRequestsAreAnsweredInOrder) {
  struct Step {
    std::string target;
    int status;
  };
  const std::vector<Step> steps = {
      {std::string(kDataPath) + "?country_code=gb", 200}, {"/nowhere", 404},
      {std::string(kDataPath) + "?country_code=zz", 400}, {"/api/v1/account/usage", 200},
      {std::string(kDataPath) + "?country_code=us", 200},
  };
  std::string pipeline;
  for (std::size_t i = 0; i < steps.size(); ++i) {
    const bool is_last = i + 1 == steps.size();
    pipeline +=
        get_request(steps[i].target, key_header() + "X-Request-Id: step-" + std::to_string(i) +
                                         "\r\n" + (is_last ? "Connection: close\r\n" : ""));
  }
  RawConnection connection = connect();
  ASSERT_TRUE(connection.send(pipeline));
  for (std::size_t i = 0; i < steps.size(); ++i) {
    const auto reply = connection.read_response(kResponseTimeout);
    ASSERT_TRUE(reply.has_value()) << "response " << i;
    EXPECT_EQ(reply->status, steps[i].status) << steps[i].target;
    EXPECT_EQ(reply->header("x-request-id"), "step-" + std::to_string(i));
    EXPECT_TRUE(follows_contract(*reply)) << steps[i].target;
  }
  EXPECT_TRUE(connection.wait_closed(kResponseTimeout));
}

TEST_F(ConnectionSemanticsTest, PipelineStopsAtAMalformedRequest) {
  const std::string pipeline =
      get_request("/healthz") +
      get_request("/healthz", "X-Big: " + std::string(9000, 'x') + "\r\n") +
      get_request("/healthz");
  RawConnection connection = connect();
  connection.send(pipeline);
  const auto first = connection.read_response(kResponseTimeout);
  ASSERT_TRUE(first.has_value());
  EXPECT_EQ(first->status, 200);
  const auto second = connection.read_response(kResponseTimeout);
  ASSERT_TRUE(second.has_value());
  EXPECT_EQ(second->status, 400);
  EXPECT_TRUE(follows_contract(*second));
  // The third request comes after bytes that could not be framed, so it never
  // gets a response.
  EXPECT_TRUE(connection.wait_closed(kResponseTimeout));
}

TEST_F(ConnectionSemanticsTest, LongPipelineKeepsMemoryBounded) {
  constexpr int kRequests = 3000;
  const long rss_before_kib = resident_kib(service_->pid());
  std::string pipeline;
  for (int i = 0; i < kRequests; ++i) {
    pipeline += get_request("/healthz");
  }
  RawConnection connection = connect();
  // Responses are read while the pipeline is sent, as a client would, so
  // that neither side's socket buffer fills and stalls the other.
  std::thread sender([&] { connection.send(pipeline); });
  int responses_read = 0;
  while (responses_read < kRequests) {
    const auto reply = connection.read_response(kResponseTimeout);
    if (!reply || reply->status != 200) {
      break;
    }
    ++responses_read;
  }
  sender.join();
  EXPECT_EQ(responses_read, kRequests);
  EXPECT_LT(resident_kib(service_->pid()) - rss_before_kib, 32 * 1024);
}

}  // namespace
}  // namespace countryhub::testing
