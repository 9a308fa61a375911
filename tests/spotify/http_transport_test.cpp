#include "spotify/http_transport.hpp"

#include <filesystem>
#include <fstream>
#include <string>

#include <gtest/gtest.h>

#include "spotify/client_defaults.hpp"
#include "spotify/fake_client_fixture.hpp"
#include "support/fixtures.hpp"

namespace countryhub::spotify {
namespace {

namespace fs = std::filesystem;

class HttpTransportTest : public FakeSpotifyClientTest {
 protected:
  static HttpRequest get(std::string path) {
    HttpRequest request;
    request.url = fake().base_url() + path;
    request.timeout_ms = 5000;
    return request;
  }

  HttpTransport transport_;
};

TEST_F(HttpTransportTest, ReusesConnectionForNextCall) {
  const auto first = transport_.perform(get("/api/server-time"));
  ASSERT_TRUE(first.has_value()) << first.error().detail;
  EXPECT_EQ(first->status, 200);
  EXPECT_FALSE(first->reused_connection);
  const auto second = transport_.perform(get("/api/server-time"));
  ASSERT_TRUE(second.has_value()) << second.error().detail;
  EXPECT_TRUE(second->reused_connection);
  EXPECT_NE(second->body.find("serverTime"), std::string::npos) << second->body;
}

TEST_F(HttpTransportTest, ReturnsErrorStatusWithHeaders) {
  fake().add_fault(R"({"endpoint": "server_time", "kind": "rate_limited", "retry_after": 30})");
  const auto answer = transport_.perform(get("/api/server-time"));
  ASSERT_TRUE(answer.has_value()) << answer.error().detail;
  EXPECT_EQ(answer->status, 429);
  EXPECT_EQ(answer->retry_after, "30");
  EXPECT_TRUE(answer->content_type.starts_with("application/json")) << answer->content_type;
}

TEST_F(HttpTransportTest, PostsBody) {
  HttpRequest request = get("/v1/clienttoken");
  request.method = "POST";
  request.headers = {"content-type: application/json"};
  request.body = R"({"client_data":{"client_version":"1.2","client_id":"abc"}})";
  const auto answer = transport_.perform(request);
  ASSERT_TRUE(answer.has_value()) << answer.error().detail;
  EXPECT_EQ(answer->status, 200);
  EXPECT_NE(answer->body.find("RESPONSE_GRANTED_TOKEN_RESPONSE"), std::string::npos);
}

TEST_F(HttpTransportTest, TimesOut) {
  fake().add_fault(R"({"endpoint": "server_time", "kind": "timeout", "delay_ms": 2000})");
  HttpRequest request = get("/api/server-time");
  request.timeout_ms = 200;
  const auto answer = transport_.perform(request);
  ASSERT_TRUE(answer.has_error());
  EXPECT_EQ(answer.error().kind, Error::kTransport);
  EXPECT_NE(answer.error().detail.find("200 ms"), std::string::npos) << answer.error().detail;
}

TEST_F(HttpTransportTest, RefusedConnectionIsTransportError) {
  HttpRequest request;
  request.url = "http://127.0.0.1:" + std::to_string(closed_port()) + "/api/server-time";
  request.timeout_ms = 2000;
  const auto answer = transport_.perform(request);
  ASSERT_TRUE(answer.has_error());
  EXPECT_EQ(answer.error().kind, Error::kTransport);
}

TEST_F(HttpTransportTest, RejectsSchemesOtherThanHttp) {
  HttpRequest request;
  request.url = "file:///etc/hostname";
  const auto answer = transport_.perform(request);
  ASSERT_TRUE(answer.has_error());
  EXPECT_EQ(answer.error().kind, Error::kTransport);
}

TEST(HttpTransportLimits, RejectsOversizedBody) {
  const fs::path folder =
      fs::temp_directory_path() / ("countryhub-big-body-" + std::to_string(::getpid()));
  fs::create_directories(folder);
  fs::copy_file(countryhub::testing::fixture_path("composed/hub_us.json"), folder / "hub_us.json",
                fs::copy_options::overwrite_existing);
  {
    std::ofstream big(folder / "big.json", std::ios::binary);
    const std::string chunk(1024 * 1024, 'a');
    for (std::size_t written = 0; written <= kMaxUpstreamBodyBytes; written += chunk.size()) {
      big << chunk;
    }
  }
  {
    const auto fake = countryhub::testing::FakeSpotify::start(folder.string());
    fake->add_fault(R"({"endpoint": "server_time", "kind": "fixture", "fixture": "big.json"})");
    HttpTransport transport;
    HttpRequest request;
    request.url = fake->base_url() + "/api/server-time";
    const auto answer = transport.perform(request);
    ASSERT_TRUE(answer.has_error());
    EXPECT_EQ(answer.error().kind, Error::kTransport);
    EXPECT_NE(answer.error().detail.find("exceeds"), std::string::npos) << answer.error().detail;
  }
  fs::remove_all(folder);
}

}  // namespace
}  // namespace countryhub::spotify
