#include "spotify/proxy_pool.hpp"

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace countryhub::spotify {
namespace {

using std::chrono::milliseconds;

constexpr std::int64_t kCooldownMs = 1000;
constexpr std::int64_t kMaxWaitMs = 2000;
constexpr std::int64_t kPlentyMs = 10000;

const std::string kFirst = "http://alpha:pw@127.0.0.1:3128";
const std::string kSecond = "socks5://127.0.0.1:1080";

class ProxyPoolTest : public ::testing::Test {
 protected:
  std::string pick_proxy(ProxyPool& pool, Stage stage, std::int64_t after_ms = 0,
                         std::optional<std::string> avoid = std::nullopt) {
    const RoutePick pick =
        pool.pick(stage, start_ + milliseconds(after_ms), avoid, kMaxWaitMs, kPlentyMs);
    EXPECT_EQ(pick.kind, RoutePick::Kind::kUse);
    return pick.route.proxy;
  }

  const ProxyPool::TimePoint start_ = std::chrono::steady_clock::now();
};

TEST_F(ProxyPoolTest, DirectWithoutProxies) {
  ProxyPool pool({});
  const RoutePick pick = pool.pick(Stage::kToken, start_, std::nullopt, kMaxWaitMs, kPlentyMs);
  EXPECT_EQ(pick.route.proxy, "");
  EXPECT_EQ(pick.route.label, "direct");
  EXPECT_EQ(pool.proxies_total(), 0);
}

TEST_F(ProxyPoolTest, RotatesPerStage) {
  ProxyPool pool({kFirst, kSecond});
  EXPECT_EQ(pick_proxy(pool, Stage::kPathfinder), kFirst);
  EXPECT_EQ(pick_proxy(pool, Stage::kPathfinder), kSecond);
  EXPECT_EQ(pick_proxy(pool, Stage::kToken), kFirst);
  EXPECT_EQ(pick_proxy(pool, Stage::kPathfinder), kFirst);
}

TEST_F(ProxyPoolTest, DirectKeywordIsARoute) {
  ProxyPool pool({kFirst, std::string(kDirectRoute)});
  EXPECT_EQ(pick_proxy(pool, Stage::kToken), kFirst);
  EXPECT_EQ(pick_proxy(pool, Stage::kToken), "");
  EXPECT_EQ(pool.proxies_total(), 1);
}

TEST_F(ProxyPoolTest, FailedProxyCoolsDownThenRecovers) {
  ProxyPool pool({kFirst, kSecond});
  pool.record(kFirst, Stage::kToken, CallVerdict::kTransport, 0, start_, kCooldownMs);
  EXPECT_EQ(pool.proxies_healthy(start_), 1);
  for (int i = 0; i < 4; ++i) {
    EXPECT_EQ(pick_proxy(pool, Stage::kPathfinder), kSecond);
  }
  EXPECT_EQ(pool.proxies_healthy(start_ + milliseconds(kCooldownMs)), 2);
  EXPECT_EQ(pick_proxy(pool, Stage::kPathfinder, kCooldownMs), kFirst);
}

TEST_F(ProxyPoolTest, CoolsDownOnBlocksAndRateLimits) {
  ProxyPool pool({kFirst, kSecond});
  pool.record(kFirst, Stage::kPathfinder, CallVerdict::kServerError, 0, start_, kCooldownMs);
  EXPECT_EQ(pool.proxies_healthy(start_), 2);
  pool.record(kFirst, Stage::kPathfinder, CallVerdict::kBlocked, 0, start_, kCooldownMs);
  pool.record(kSecond, Stage::kPathfinder, CallVerdict::kRateLimited, 0, start_, kCooldownMs);
  EXPECT_EQ(pool.proxies_healthy(start_), 0);
  pool.record(kSecond, Stage::kPathfinder, CallVerdict::kAnswered, 0, start_, kCooldownMs);
  EXPECT_EQ(pool.proxies_healthy(start_), 1);
}

TEST_F(ProxyPoolTest, AllCoolingUsesFirstToRecover) {
  ProxyPool pool({kFirst, kSecond});
  pool.record(kSecond, Stage::kToken, CallVerdict::kTransport, 0, start_, kCooldownMs);
  pool.record(kFirst, Stage::kToken, CallVerdict::kTransport, 0, start_ + milliseconds(10),
              kCooldownMs);
  EXPECT_EQ(pick_proxy(pool, Stage::kToken, 20), kSecond);
  EXPECT_EQ(pick_proxy(pool, Stage::kToken, 20), kSecond);
}

TEST_F(ProxyPoolTest, AvoidsTheRouteThatJustFailed) {
  ProxyPool pool({kFirst, kSecond});
  EXPECT_EQ(pick_proxy(pool, Stage::kToken, 0, kSecond), kFirst);
  EXPECT_EQ(pick_proxy(pool, Stage::kToken, 0, kFirst), kSecond);
  ProxyPool single({kFirst});
  EXPECT_EQ(pick_proxy(single, Stage::kToken, 0, kFirst), kFirst);
}

TEST_F(ProxyPoolTest, RetryAfterPausesOnlyThatStageAndRoute) {
  ProxyPool pool({kFirst, kSecond});
  pool.record(kFirst, Stage::kPathfinder, CallVerdict::kRateLimited, 30000, start_, 1);
  for (int i = 0; i < 4; ++i) {
    EXPECT_EQ(pick_proxy(pool, Stage::kPathfinder, 5), kSecond);
  }
  EXPECT_EQ(pick_proxy(pool, Stage::kToken, 5), kFirst);
  EXPECT_TRUE(pool.has_alternative(kFirst, Stage::kPathfinder, start_ + milliseconds(5)));
  EXPECT_FALSE(pool.has_alternative(kSecond, Stage::kPathfinder, start_ + milliseconds(5)));
}

TEST_F(ProxyPoolTest, ShortPauseEverywhereIsWaitedOn) {
  ProxyPool pool({});
  pool.record("", Stage::kPathfinder, CallVerdict::kRateLimited, 1500, start_, kCooldownMs);
  const RoutePick wait = pool.pick(Stage::kPathfinder, start_ + milliseconds(500), std::nullopt,
                                   kMaxWaitMs, kPlentyMs);
  EXPECT_EQ(wait.kind, RoutePick::Kind::kWait);
  EXPECT_EQ(wait.wait_ms, 1000);
  // Not when the wait is longer than the time left before the deadline.
  const RoutePick late =
      pool.pick(Stage::kPathfinder, start_ + milliseconds(500), std::nullopt, kMaxWaitMs, 800);
  EXPECT_EQ(late.kind, RoutePick::Kind::kPaused);
}

TEST_F(ProxyPoolTest, LongPauseEverywhereIsRefused) {
  ProxyPool pool({});
  pool.record("", Stage::kPathfinder, CallVerdict::kRateLimited, 86400 * 1000LL, start_,
              kCooldownMs);
  const RoutePick pick = pool.pick(Stage::kPathfinder, start_, std::nullopt, kMaxWaitMs, kPlentyMs);
  EXPECT_EQ(pick.kind, RoutePick::Kind::kPaused);
  EXPECT_EQ(pick.wait_ms, 86400 * 1000LL);
  EXPECT_EQ(pick_proxy(pool, Stage::kToken), "");
}

TEST_F(ProxyPoolTest, ConfigureKeepsStateOfKeptProxies) {
  ProxyPool pool({kFirst, kSecond});
  pool.record(kFirst, Stage::kToken, CallVerdict::kTransport, 0, start_, kCooldownMs);
  pool.configure({kSecond, kFirst, "http://127.0.0.1:8888"});
  EXPECT_EQ(pool.proxies_total(), 3);
  EXPECT_EQ(pool.proxies_healthy(start_), 2);
  pool.configure({});
  EXPECT_EQ(pool.proxies_total(), 0);
}

TEST(RedactProxy, DropsCredentials) {
  EXPECT_EQ(redact_proxy("http://user:pass@proxy.example:3128"), "http://proxy.example:3128");
  EXPECT_EQ(redact_proxy("socks5://127.0.0.1:1080/"), "socks5://127.0.0.1:1080");
  EXPECT_EQ(redact_proxy("https://u@[::1]:8443"), "https://[::1]:8443");
}

}  // namespace
}  // namespace countryhub::spotify
