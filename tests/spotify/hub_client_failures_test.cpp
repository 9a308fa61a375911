#include <chrono>
#include <string>

#include <gtest/gtest.h>

#include "spotify/client_defaults.hpp"
#include "spotify/fake_client_fixture.hpp"
#include "spotify/hub_client.hpp"

namespace countryhub::spotify {
namespace {

class HubClientFailure : public FakeSpotifyClientTest {
 protected:
  // Fetches the US hub with the default fake configuration and returns the
  // failure; fails the test when the fetch succeeds.
  FetchFailure fetch_failure(const ClientConfig& config, std::string country = "us") {
    const auto client = make_hub_client(config);
    auto hub = client->fetch_hub(HubRequest{country, "req-fail"});
    EXPECT_TRUE(hub.has_error()) << "fetch of " << country << " succeeded";
    if (hub.has_value()) {
      return FetchFailure{Error::kTransport, Stage::kParse, "unexpected success"};
    }
    EXPECT_NE(client->status().last_failure, "");
    return hub.error();
  }

  FetchFailure fetch_failure() { return fetch_failure(fake_config()); }
};

TEST_F(HubClientFailure, SecondUnauthorizedIsAuthFailure) {
  fake().add_fault(R"({"endpoint": "pathfinder", "kind": "unauthorized", "count": 2})");
  const FetchFailure failure = fetch_failure();
  EXPECT_EQ(failure.kind, Error::kAuthFailed);
  EXPECT_EQ(failure.stage, Stage::kPathfinder);
  EXPECT_EQ(failure.http_status, 401);
  EXPECT_EQ(calls("token"), 2);
  EXPECT_EQ(calls("pathfinder"), 2);
}

TEST_F(HubClientFailure, AllHashesStale) {
  fake().configure(R"({"accepted_hashes": [")" + std::string(64, 'c') + R"("]})");
  ClientConfig config = fake_config();
  config.scan_bundle = false;
  const FetchFailure failure = fetch_failure(config);
  EXPECT_EQ(failure.kind, Error::kPersistedQueryNotFound);
  EXPECT_EQ(failure.stage, Stage::kPathfinder);
  EXPECT_EQ(calls("pathfinder_v2"), 2);
  EXPECT_EQ(calls("pathfinder_v1"), 2);
  EXPECT_NE(failure.detail.find("--query-hash"), std::string::npos) << failure.detail;
}

TEST_F(HubClientFailure, StaleHashesWithoutV1) {
  fake().configure(R"({"accepted_hashes": [")" + std::string(64, 'c') +
                   R"("], "v1_enabled": false})");
  ClientConfig config = fake_config();
  config.scan_bundle = false;
  const FetchFailure failure = fetch_failure(config);
  EXPECT_EQ(failure.kind, Error::kPersistedQueryNotFound);
  EXPECT_EQ(failure.stage, Stage::kPathfinder);
  EXPECT_NE(failure.detail.find("HTTP 404"), std::string::npos) << failure.detail;
}

TEST_F(HubClientFailure, RateLimitCarriesRetryAfter) {
  fake().add_fault(R"({"endpoint": "pathfinder", "kind": "rate_limited", "retry_after": 17})");
  const FetchFailure failure = fetch_failure();
  EXPECT_EQ(failure.kind, Error::kRateLimited);
  EXPECT_EQ(failure.stage, Stage::kPathfinder);
  EXPECT_EQ(failure.retry_after_seconds, 17);
  EXPECT_EQ(failure.http_status, 429);
  EXPECT_EQ(calls("pathfinder"), 1);
}

TEST_F(HubClientFailure, EmptyRateLimitOnToken) {
  fake().add_fault(R"({"endpoint": "token", "kind": "rate_limited_empty", "retry_after": 5})");
  fake().add_fault(R"({"endpoint": "embed", "kind": "rate_limited_empty", "retry_after": 5})");
  const FetchFailure failure = fetch_failure();
  EXPECT_EQ(failure.kind, Error::kRateLimited);
  EXPECT_EQ(failure.stage, Stage::kToken);
  EXPECT_EQ(failure.retry_after_seconds, 5);
  EXPECT_EQ(calls("pathfinder"), 0);
}

TEST_F(HubClientFailure, ServerErrorIsUpstreamStatus) {
  fake().add_fault(R"({"endpoint": "pathfinder", "kind": "status", "status": 503, "count": -1})");
  ClientConfig config = fake_config();
  config.retry_base_ms = 10;
  const FetchFailure failure = fetch_failure(config);
  EXPECT_EQ(failure.kind, Error::kUpstreamStatus);
  EXPECT_EQ(failure.stage, Stage::kPathfinder);
  EXPECT_EQ(failure.http_status, 503);
  EXPECT_EQ(calls("pathfinder"), config.max_attempts);
}

TEST_F(HubClientFailure, HtmlBlockOnTokenSources) {
  fake().add_fault(R"({"endpoint": "token", "kind": "html_block"})");
  fake().add_fault(R"({"endpoint": "embed", "kind": "html_block"})");
  const FetchFailure failure = fetch_failure();
  EXPECT_EQ(failure.kind, Error::kHtmlPage);
  EXPECT_EQ(failure.stage, Stage::kToken);
  EXPECT_EQ(failure.http_status, 403);
  EXPECT_NE(failure.detail.find("embed page fallback also failed"), std::string::npos)
      << failure.detail;
}

TEST_F(HubClientFailure, TokenBlockFallsBackToEmbed) {
  fake().add_fault(R"({"endpoint": "token", "kind": "html_block"})");
  const auto client = make_hub_client(fake_config());
  auto hub = client->fetch_hub(HubRequest{"us", "req"});
  ASSERT_TRUE(hub.has_value()) << hub.error().detail;
  EXPECT_EQ(calls("embed"), 1);
}

TEST_F(HubClientFailure, CaptchaOnEmbedWithoutSecret) {
  fake().add_fault(R"({"endpoint": "embed", "kind": "captcha"})");
  ClientConfig config = fake_config();
  config.totp_secret.clear();
  config.scan_bundle = false;
  const FetchFailure failure = fetch_failure(config);
  EXPECT_EQ(failure.kind, Error::kHtmlPage);
  EXPECT_EQ(failure.stage, Stage::kToken);
}

TEST_F(HubClientFailure, ExpiredSecretVersionIsNoWorkingSecret) {
  // The bundle lists version 61 only, so the rescan finds nothing newer.
  fake().configure(R"({"expired_versions": [61]})");
  fake().add_fault(R"({"endpoint": "embed", "kind": "status", "status": 500, "count": -1})");
  ClientConfig config = fake_config();
  config.retry_base_ms = 10;
  const FetchFailure failure = fetch_failure(config);
  EXPECT_EQ(failure.kind, Error::kNoWorkingSecret);
  EXPECT_EQ(failure.stage, Stage::kToken);
  EXPECT_NE(failure.detail.find("version 61 as expired"), std::string::npos) << failure.detail;
  EXPECT_EQ(calls("token"), 1);
  EXPECT_EQ(calls("bundle"), 1);
  EXPECT_EQ(calls("embed"), config.max_attempts);
  EXPECT_EQ(calls("pathfinder"), 0);
}

TEST_F(HubClientFailure, HtmlBlockOnPathfinder) {
  fake().add_fault(R"({"endpoint": "pathfinder", "kind": "html_block"})");
  const FetchFailure failure = fetch_failure();
  EXPECT_EQ(failure.kind, Error::kHtmlPage);
  EXPECT_EQ(failure.stage, Stage::kPathfinder);
  EXPECT_EQ(failure.http_status, 403);
}

TEST_F(HubClientFailure, CaptchaOnPathfinder) {
  fake().add_fault(R"({"endpoint": "pathfinder", "kind": "captcha"})");
  const FetchFailure failure = fetch_failure();
  EXPECT_EQ(failure.kind, Error::kHtmlPage);
  EXPECT_EQ(failure.stage, Stage::kPathfinder);
}

TEST_F(HubClientFailure, CountryMismatch) {
  fake().add_fault(R"({"endpoint": "pathfinder", "kind": "country_mismatch", "country": "GB"})");
  const FetchFailure failure = fetch_failure();
  EXPECT_EQ(failure.kind, Error::kCountryMismatch);
  EXPECT_EQ(failure.stage, Stage::kParse);
  EXPECT_NE(failure.detail.find("GB"), std::string::npos) << failure.detail;
}

TEST_F(HubClientFailure, InvalidUtf8) {
  fake().add_fault(R"({"endpoint": "pathfinder", "kind": "invalid_utf8"})");
  const FetchFailure failure = fetch_failure();
  EXPECT_EQ(failure.kind, Error::kInvalidUtf8);
  EXPECT_EQ(failure.stage, Stage::kParse);
}

TEST_F(HubClientFailure, TruncatedJson) {
  fake().add_fault(R"({"endpoint": "pathfinder", "kind": "invalid_json"})");
  const FetchFailure failure = fetch_failure();
  EXPECT_EQ(failure.kind, Error::kInvalidJson);
  EXPECT_EQ(failure.stage, Stage::kParse);
}

TEST_F(HubClientFailure, ErrorsWithoutData) {
  fake().add_fault(R"({"endpoint": "pathfinder", "kind": "errors_without_data"})");
  const FetchFailure failure = fetch_failure();
  EXPECT_EQ(failure.kind, Error::kGraphqlErrors);
  EXPECT_EQ(failure.stage, Stage::kPathfinder);
}

TEST_F(HubClientFailure, EmptyHub) {
  fake().add_fault(R"({"endpoint": "pathfinder", "kind": "empty_hub"})");
  const FetchFailure failure = fetch_failure();
  EXPECT_EQ(failure.kind, Error::kNoShelves);
  EXPECT_EQ(failure.stage, Stage::kParse);
}

TEST_F(HubClientFailure, ConnectionResetIsTransport) {
  // Every attempt is reset; libcurl also resends a request once on a new
  // connection when a reused one closes without a response.
  fake().add_fault(R"({"endpoint": "pathfinder", "kind": "reset", "count": -1})");
  ClientConfig config = fake_config();
  config.retry_base_ms = 10;
  const FetchFailure failure = fetch_failure(config);
  EXPECT_EQ(failure.kind, Error::kTransport);
  EXPECT_EQ(failure.stage, Stage::kPathfinder);
  EXPECT_EQ(failure.http_status, 0);
}

TEST_F(HubClientFailure, SlowPathfinderRunsOutOfBudget) {
  fake().add_fault(R"({"endpoint": "pathfinder", "kind": "timeout", "delay_ms": 3000})");
  ClientConfig config = fake_config();
  config.upstream_timeout_ms = 400;
  const auto start = std::chrono::steady_clock::now();
  const FetchFailure failure = fetch_failure(config);
  const auto elapsed = std::chrono::steady_clock::now() - start;
  EXPECT_EQ(failure.kind, Error::kTransport);
  EXPECT_EQ(failure.stage, Stage::kPathfinder);
  EXPECT_LT(elapsed, std::chrono::milliseconds(2000));
}

TEST_F(HubClientFailure, ProxyIsUsedForEveryCall) {
  // The proxy port refuses connections, so a client that honours the proxy
  // cannot reach the fake at all.
  ClientConfig config = fake_config();
  config.proxies = {"http://127.0.0.1:" + std::to_string(closed_port())};
  const FetchFailure failure = fetch_failure(config);
  EXPECT_EQ(failure.kind, Error::kTransport);
  EXPECT_EQ(failure.stage, Stage::kToken);
  EXPECT_EQ(calls("server_time"), 0);
  EXPECT_EQ(calls("token"), 0);
  EXPECT_EQ(calls("embed"), 0);
}

}  // namespace
}  // namespace countryhub::spotify
