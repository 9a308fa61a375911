#include <chrono>
#include <string>
#include <thread>

#include <gtest/gtest.h>

#include "spotify/fake_client_fixture.hpp"
#include "spotify/hub_client.hpp"

namespace countryhub::spotify {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

// Returns the state of `stage`'s breaker in `status`, or "" when missing.
std::string breaker_state(const UpstreamStatus& status, std::string_view stage) {
  for (const auto& [name, state] : status.breakers) {
    if (name == stage) {
      return state;
    }
  }
  return "";
}

class HubClientRetry : public FakeSpotifyClientTest {
 protected:
  static ClientConfig quick_config() {
    ClientConfig config = fake_config();
    config.retry_base_ms = 20;
    return config;
  }
};

TEST_F(HubClientRetry, RetriesServerErrorsThenSucceeds) {
  fake().add_fault(R"({"endpoint": "pathfinder", "kind": "status", "status": 503, "count": 2})");
  const auto client = make_hub_client(quick_config());
  auto hub = client->fetch_hub(HubRequest{"us", "req"});
  ASSERT_TRUE(hub.has_value()) << hub.error().detail;
  EXPECT_EQ(calls("pathfinder"), 3);
  EXPECT_EQ(calls("token"), 1);
}

TEST_F(HubClientRetry, RetriesTokenEndpointServerError) {
  fake().add_fault(R"({"endpoint": "token", "kind": "status", "status": 502})");
  const auto client = make_hub_client(quick_config());
  auto hub = client->fetch_hub(HubRequest{"us", "req"});
  ASSERT_TRUE(hub.has_value()) << hub.error().detail;
  EXPECT_EQ(calls("token"), 2);
  EXPECT_EQ(calls("embed"), 0);
}

TEST_F(HubClientRetry, RetriesStopAtDeadline) {
  fake().add_fault(R"({"endpoint": "pathfinder", "kind": "status", "status": 503, "count": -1})");
  ClientConfig config = fake_config();
  config.max_attempts = 50;
  config.retry_base_ms = 100;
  config.upstream_timeout_ms = 800;
  config.breaker_failures = 100;
  const auto client = make_hub_client(config);
  const auto start = Clock::now();
  auto hub = client->fetch_hub(HubRequest{"us", "req"});
  const auto elapsed = Clock::now() - start;
  ASSERT_TRUE(hub.has_error());
  EXPECT_EQ(hub.error().kind, Error::kUpstreamStatus);
  EXPECT_EQ(hub.error().http_status, 503);
  EXPECT_LT(elapsed, milliseconds(1300));
  EXPECT_GE(calls("pathfinder"), 2);
  EXPECT_LT(calls("pathfinder"), 50);
}

TEST_F(HubClientRetry, ShortRetryAfterIsWaitedOn) {
  fake().add_fault(R"({"endpoint": "pathfinder", "kind": "rate_limited", "retry_after": 1})");
  const auto client = make_hub_client(quick_config());
  const auto start = Clock::now();
  auto hub = client->fetch_hub(HubRequest{"us", "req"});
  ASSERT_TRUE(hub.has_value()) << hub.error().detail;
  EXPECT_GE(Clock::now() - start, milliseconds(900));
  EXPECT_EQ(calls("pathfinder"), 2);
}

TEST_F(HubClientRetry, RetryAfterPastDeadlineFailsAtOnce) {
  fake().add_fault(R"({"endpoint": "pathfinder", "kind": "rate_limited", "retry_after": 1})");
  ClientConfig config = quick_config();
  config.upstream_timeout_ms = 600;
  const auto client = make_hub_client(config);
  const auto start = Clock::now();
  auto hub = client->fetch_hub(HubRequest{"us", "req"});
  ASSERT_TRUE(hub.has_error());
  EXPECT_LT(Clock::now() - start, milliseconds(500));
  EXPECT_EQ(hub.error().kind, Error::kRateLimited);
  EXPECT_EQ(hub.error().retry_after_seconds, 1);
  EXPECT_EQ(calls("pathfinder"), 1);
}

TEST_F(HubClientRetry, RetryAfter30FailsAtOnceAndPausesPathfinder) {
  fake().add_fault(R"({"endpoint": "pathfinder", "kind": "rate_limited", "retry_after": 30})");
  const auto client = make_hub_client(quick_config());
  const auto start = Clock::now();
  auto first = client->fetch_hub(HubRequest{"us", "req-1"});
  ASSERT_TRUE(first.has_error());
  EXPECT_LT(Clock::now() - start, milliseconds(1000));
  EXPECT_EQ(first.error().kind, Error::kRateLimited);
  EXPECT_EQ(first.error().stage, Stage::kPathfinder);
  EXPECT_EQ(first.error().retry_after_seconds, 30);
  EXPECT_EQ(first.error().http_status, 429);
  EXPECT_EQ(calls("pathfinder"), 1);

  // The only route stays paused for Pathfinder: no call until it passes.
  for (const char* country : {"us", "gb"}) {
    auto again = client->fetch_hub(HubRequest{country, "req-2"});
    ASSERT_TRUE(again.has_error());
    EXPECT_EQ(again.error().kind, Error::kRateLimited);
    EXPECT_GE(again.error().retry_after_seconds, 29);
    EXPECT_LE(again.error().retry_after_seconds, 30);
    EXPECT_EQ(again.error().http_status, 0);
  }
  EXPECT_EQ(calls("pathfinder"), 1);
  EXPECT_EQ(calls("token"), 1);
}

TEST_F(HubClientRetry, RetryAfterDayFailsAtOnce) {
  fake().add_fault(
      R"({"endpoint": "pathfinder", "kind": "rate_limited_empty", "retry_after": 86400})");
  const auto client = make_hub_client(quick_config());
  auto first = client->fetch_hub(HubRequest{"us", "req"});
  ASSERT_TRUE(first.has_error());
  EXPECT_EQ(first.error().kind, Error::kRateLimited);
  EXPECT_EQ(first.error().retry_after_seconds, 86400);
  auto second = client->fetch_hub(HubRequest{"us", "req"});
  ASSERT_TRUE(second.has_error());
  EXPECT_EQ(second.error().kind, Error::kRateLimited);
  EXPECT_GE(second.error().retry_after_seconds, 86399);
  EXPECT_EQ(calls("pathfinder"), 1);
}

TEST_F(HubClientRetry, BreakerOpensThenHalfOpens) {
  fake().add_fault(R"({"endpoint": "pathfinder", "kind": "status", "status": 503, "count": 3})");
  ClientConfig config = quick_config();
  config.max_attempts = 1;
  config.breaker_failures = 3;
  config.breaker_open_ms = 300;
  const auto client = make_hub_client(config);
  for (int i = 0; i < 3; ++i) {
    auto hub = client->fetch_hub(HubRequest{"us", "req"});
    ASSERT_TRUE(hub.has_error());
    EXPECT_EQ(hub.error().kind, Error::kUpstreamStatus);
  }
  EXPECT_EQ(breaker_state(client->status(), "pathfinder"), "open");
  EXPECT_EQ(breaker_state(client->status(), "token"), "closed");

  auto refused = client->fetch_hub(HubRequest{"us", "req"});
  ASSERT_TRUE(refused.has_error());
  EXPECT_EQ(refused.error().kind, Error::kCircuitOpen);
  EXPECT_EQ(refused.error().stage, Stage::kPathfinder);
  EXPECT_EQ(refused.error().retry_after_seconds, 1);
  EXPECT_EQ(calls("pathfinder"), 3);

  std::this_thread::sleep_for(milliseconds(350));
  EXPECT_EQ(breaker_state(client->status(), "pathfinder"), "half_open");
  auto trial = client->fetch_hub(HubRequest{"us", "req"});
  ASSERT_TRUE(trial.has_value()) << trial.error().detail;
  EXPECT_EQ(calls("pathfinder"), 4);
  EXPECT_EQ(breaker_state(client->status(), "pathfinder"), "closed");
}

TEST_F(HubClientRetry, FailedTrialReopensBreaker) {
  fake().add_fault(R"({"endpoint": "pathfinder", "kind": "status", "status": 500, "count": -1})");
  ClientConfig config = quick_config();
  config.max_attempts = 1;
  config.breaker_failures = 2;
  config.breaker_open_ms = 200;
  const auto client = make_hub_client(config);
  for (int i = 0; i < 2; ++i) {
    ASSERT_TRUE(client->fetch_hub(HubRequest{"us", "req"}).has_error());
  }
  std::this_thread::sleep_for(milliseconds(250));
  auto trial = client->fetch_hub(HubRequest{"us", "req"});
  ASSERT_TRUE(trial.has_error());
  EXPECT_EQ(trial.error().kind, Error::kUpstreamStatus);
  EXPECT_EQ(calls("pathfinder"), 3);
  auto refused = client->fetch_hub(HubRequest{"us", "req"});
  ASSERT_TRUE(refused.has_error());
  EXPECT_EQ(refused.error().kind, Error::kCircuitOpen);
  EXPECT_EQ(calls("pathfinder"), 3);
  EXPECT_EQ(breaker_state(client->status(), "pathfinder"), "open");
}

TEST_F(HubClientRetry, BlockPageIsNotRetriedOnSameRoute) {
  fake().add_fault(R"({"endpoint": "pathfinder", "kind": "html_block", "count": -1})");
  const auto client = make_hub_client(quick_config());
  auto hub = client->fetch_hub(HubRequest{"us", "req"});
  ASSERT_TRUE(hub.has_error());
  EXPECT_EQ(hub.error().kind, Error::kHtmlPage);
  EXPECT_EQ(hub.error().stage, Stage::kPathfinder);
  EXPECT_EQ(calls("pathfinder"), 1);
}

TEST_F(HubClientRetry, HtmlBlockOnTokenUrlFallsBackWithoutRetry) {
  fake().add_fault(R"({"endpoint": "token", "kind": "html_block", "count": -1})");
  fake().add_fault(R"({"endpoint": "embed", "kind": "html_block", "count": -1})");
  const auto client = make_hub_client(quick_config());
  auto hub = client->fetch_hub(HubRequest{"us", "req"});
  ASSERT_TRUE(hub.has_error());
  EXPECT_EQ(hub.error().kind, Error::kHtmlPage);
  EXPECT_EQ(hub.error().stage, Stage::kToken);
  EXPECT_EQ(calls("token"), 1);
  EXPECT_EQ(calls("embed"), 1);
  EXPECT_EQ(calls("bundle"), 0);
  EXPECT_EQ(calls("pathfinder"), 0);
}

TEST_F(HubClientRetry, ErrorsWithoutDataAreNotRetried) {
  fake().add_fault(R"({"endpoint": "pathfinder", "kind": "errors_without_data", "count": -1})");
  const auto client = make_hub_client(quick_config());
  auto hub = client->fetch_hub(HubRequest{"us", "req"});
  ASSERT_TRUE(hub.has_error());
  EXPECT_EQ(hub.error().kind, Error::kGraphqlErrors);
  EXPECT_EQ(calls("pathfinder"), 1);
  EXPECT_EQ(calls("bundle"), 0);
}

TEST_F(HubClientRetry, CountryMismatchIsNotRetried) {
  fake().add_fault(R"({"endpoint": "pathfinder", "kind": "country_mismatch", "country": "GB"})");
  const auto client = make_hub_client(quick_config());
  auto hub = client->fetch_hub(HubRequest{"fr", "req"});
  ASSERT_TRUE(hub.has_error());
  EXPECT_EQ(hub.error().kind, Error::kCountryMismatch);
  EXPECT_EQ(calls("pathfinder"), 1);
}

TEST_F(HubClientRetry, NullItemIsDroppedWithOneCall) {
  fake().add_fault(R"({"endpoint": "pathfinder", "kind": "null_item"})");
  const auto client = make_hub_client(quick_config());
  auto hub = client->fetch_hub(HubRequest{"us", "req"});
  ASSERT_TRUE(hub.has_value()) << hub.error().detail;
  EXPECT_EQ(hub->hub().meta.dropped_item_count, 1);
  EXPECT_EQ(calls("pathfinder"), 1);
}

}  // namespace
}  // namespace countryhub::spotify
