#include <chrono>
#include <string>
#include <thread>

#include <gtest/gtest.h>

#include "spotify/fake_client_fixture.hpp"
#include "spotify/hub_client.hpp"

namespace countryhub::spotify {
namespace {

using std::chrono::milliseconds;

// The fake serves requests that reach it in proxy form as usual and counts
// them under the user name of Proxy-Authorization, so each "proxy" below is
// the fake itself with its own user name.
class HubClientProxy : public FakeSpotifyClientTest {
 protected:
  static std::string fake_proxy(const std::string& user) {
    const std::string base = fake().base_url();  // http://127.0.0.1:PORT
    return "http://" + user + ":password@" + base.substr(std::string("http://").size());
  }

  static std::int64_t proxy_calls(const std::string& user) {
    const boost::json::object counters = fake().calls();
    const boost::json::object& users = counters.at("proxy_users").as_object();
    const boost::json::value* count = users.if_contains(user);
    return count == nullptr ? 0 : count->as_int64();
  }

  static std::int64_t all_calls() {
    std::int64_t total = 0;
    for (const char* endpoint :
         {"server_time", "token", "embed", "clienttoken", "pathfinder", "root", "bundle"}) {
      total += calls(endpoint);
    }
    return total;
  }

  static ClientConfig proxy_config(std::vector<std::string> proxies) {
    ClientConfig config = fake_config();
    config.proxies = std::move(proxies);
    config.retry_base_ms = 10;
    config.proxy_cooldown_ms = 300;
    return config;
  }
};

TEST_F(HubClientProxy, RotatesThroughProxies) {
  const auto client = make_hub_client(proxy_config({fake_proxy("alpha"), fake_proxy("beta")}));
  for (int fetch = 0; fetch < 4; ++fetch) {
    auto hub = client->fetch_hub(HubRequest{"us", "req"});
    ASSERT_TRUE(hub.has_value()) << hub.error().detail;
  }
  EXPECT_EQ(calls("proxied"), all_calls());
  EXPECT_GT(proxy_calls("alpha"), 0);
  EXPECT_GT(proxy_calls("beta"), 0);
  EXPECT_EQ(calls("pathfinder"), 4);
  const UpstreamStatus status = client->status();
  EXPECT_EQ(status.proxies_total, 2);
  EXPECT_EQ(status.proxies_healthy, 2);
}

TEST_F(HubClientProxy, RefusingProxyLeavesRotation) {
  const std::string dead = "http://127.0.0.1:" + std::to_string(closed_port());
  const auto client = make_hub_client(proxy_config({dead, "direct"}));
  for (int fetch = 0; fetch < 3; ++fetch) {
    auto hub = client->fetch_hub(HubRequest{"us", "req"});
    ASSERT_TRUE(hub.has_value()) << hub.error().detail;
  }
  EXPECT_EQ(calls("proxied"), 0);
  const UpstreamStatus status = client->status();
  EXPECT_EQ(status.proxies_total, 1);
  EXPECT_EQ(status.proxies_healthy, 0);
}

TEST_F(HubClientProxy, BlockedProxyRecoversAfterCooldown) {
  fake().add_fault(R"({"endpoint": "pathfinder", "kind": "html_block", "via": "alpha"})");
  const auto client = make_hub_client(proxy_config({fake_proxy("alpha"), "direct"}));
  auto hub = client->fetch_hub(HubRequest{"us", "req"});
  ASSERT_TRUE(hub.has_value()) << hub.error().detail;
  EXPECT_EQ(calls("pathfinder"), 2);
  EXPECT_EQ(client->status().proxies_healthy, 0);

  std::this_thread::sleep_for(milliseconds(350));
  EXPECT_EQ(client->status().proxies_healthy, 1);
  const std::int64_t before = proxy_calls("alpha");
  for (int fetch = 0; fetch < 2; ++fetch) {
    ASSERT_TRUE(client->fetch_hub(HubRequest{"us", "req"}).has_value());
  }
  EXPECT_EQ(proxy_calls("alpha"), before + 1);
  EXPECT_EQ(client->status().proxies_healthy, 1);
}

TEST_F(HubClientProxy, RateLimitedProxyIsSkippedForPathfinder) {
  fake().add_fault(
      R"({"endpoint": "pathfinder", "kind": "rate_limited", "retry_after": 30, "via": "alpha"})");
  const auto client = make_hub_client(proxy_config({fake_proxy("alpha"), fake_proxy("beta")}));
  auto hub = client->fetch_hub(HubRequest{"us", "req"});
  ASSERT_TRUE(hub.has_value()) << hub.error().detail;
  EXPECT_EQ(calls("pathfinder"), 2);

  // Any Pathfinder call through alpha would now fail and be retried, so a
  // count of one call per fetch shows alpha is left out.
  fake().add_fault(
      R"({"endpoint": "pathfinder", "kind": "status", "status": 500, "via": "alpha", "count": -1})");
  for (int fetch = 0; fetch < 3; ++fetch) {
    ASSERT_TRUE(client->fetch_hub(HubRequest{"us", "req"}).has_value());
  }
  EXPECT_EQ(calls("pathfinder"), 5);
}

TEST_F(HubClientProxy, EveryRoutePausedFailsAtOnce) {
  fake().add_fault(
      R"({"endpoint": "pathfinder", "kind": "rate_limited", "retry_after": 30, "count": 2})");
  const auto client = make_hub_client(proxy_config({fake_proxy("alpha"), fake_proxy("beta")}));
  auto first = client->fetch_hub(HubRequest{"us", "req"});
  ASSERT_TRUE(first.has_error());
  EXPECT_EQ(first.error().kind, Error::kRateLimited);
  EXPECT_EQ(first.error().retry_after_seconds, 30);
  EXPECT_EQ(calls("pathfinder"), 2);
  auto second = client->fetch_hub(HubRequest{"us", "req"});
  ASSERT_TRUE(second.has_error());
  EXPECT_EQ(second.error().kind, Error::kRateLimited);
  EXPECT_EQ(calls("pathfinder"), 2);
}

TEST_F(HubClientProxy, ReloadReplacesProxies) {
  const std::string dead = "http://127.0.0.1:" + std::to_string(closed_port());
  ClientConfig config = proxy_config({dead});
  config.max_attempts = 1;
  const auto client = make_hub_client(config);
  ASSERT_TRUE(client->fetch_hub(HubRequest{"us", "req"}).has_error());
  config.proxies = {fake_proxy("gamma")};
  client->reload(config);
  auto hub = client->fetch_hub(HubRequest{"us", "req"});
  ASSERT_TRUE(hub.has_value()) << hub.error().detail;
  EXPECT_EQ(calls("proxied"), all_calls());
  EXPECT_EQ(client->status().proxies_total, 1);
}

}  // namespace
}  // namespace countryhub::spotify
