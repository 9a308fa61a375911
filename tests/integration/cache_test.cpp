// The cache through the real server and the fake Spotify: single flight,
// stale-while-revalidate, stale-if-error and max_age.
#include <future>
#include <thread>
#include <vector>

#include "integration/service_fixture.hpp"
#include "support/fake_spotify.hpp"

namespace countryhub::testing {
namespace {

class CacheTest : public ServiceTest {
 protected:
  void start_with_cache(const std::string& fresh, const std::string& stale_while_revalidate,
                        const std::string& stale_if_error, const std::string& workers = "64") {
    fake_ = FakeSpotify::start(fixture_path("composed"));
    key_ = account_with_key("max@example.com", "enterprise");
    start_service({"--spotify-web-url", fake_->base_url(), "--spotify-api-url",
                   fake_->base_url(), "--spotify-clienttoken-url", fake_->base_url(),
                   "--totp-secret", "countryhub-fake-secret-7Q2x", "--totp-version", "61",
                   "--cache-fresh-seconds", fresh, "--cache-stale-while-revalidate-seconds",
                   stale_while_revalidate, "--cache-stale-if-error-seconds", stale_if_error,
                   "--workers", workers});
  }

  static std::string cache_status_of(const HttpReply& reply) {
    return std::string(body_of(reply).at("data").at("meta").at("cache").at("status").as_string());
  }

  std::unique_ptr<FakeSpotify> fake_;
  std::string key_;
};

TEST_F(CacheTest, ColdBurstMakesOneCall) {
  start_with_cache("300", "300", "3600");
  fake_->configure(R"({"latency_ms":300})");

  std::vector<std::future<HttpReply>> replies;
  for (int i = 0; i < 200; ++i) {
    replies.push_back(std::async(std::launch::async, [&] { return get_hub("?country_code=de", key_); }));
  }
  int served = 0;
  for (auto& reply : replies) {
    served += reply.get().status == 200 ? 1 : 0;
  }

  EXPECT_EQ(served, 200);
  EXPECT_EQ(fake_->calls("pathfinder"), 1);
}

TEST_F(CacheTest, SecondRequestIsAHitWithAge) {
  start_with_cache("300", "300", "3600");
  ASSERT_EQ(cache_status_of(get_hub("", key_)), "miss");
  const HttpReply hit = get_hub("", key_);
  EXPECT_EQ(cache_status_of(hit), "hit");
  EXPECT_EQ(hit.headers.at("cache-status").rfind("countryhub; hit; ttl=", 0), 0u);
  EXPECT_EQ(hit.headers.at("x-credits-charged"), "3");
  EXPECT_EQ(fake_->calls("pathfinder"), 1);
}

TEST_F(CacheTest, HitsNeedNoFreeWorker) {
  start_with_cache("300", "300", "3600", "2");
  ASSERT_EQ(get_hub("", key_).status, 200);
  fake_->configure(R"({"latency_ms":3000})");
  // Two cold countries hold both workers for 3 s.
  auto slow_de = std::async(std::launch::async, [&] { return get_hub("?country_code=de", key_); });
  auto slow_fr = std::async(std::launch::async, [&] { return get_hub("?country_code=fr", key_); });
  std::this_thread::sleep_for(std::chrono::milliseconds(300));

  const auto started = std::chrono::steady_clock::now();
  const HttpReply hit = get_hub("", key_);
  const auto waited = std::chrono::steady_clock::now() - started;

  EXPECT_EQ(hit.status, 200);
  EXPECT_EQ(cache_status_of(hit), "hit");
  // A hit is served on the I/O thread. Through a worker it would wait about 2.7 s.
  EXPECT_LT(waited, std::chrono::milliseconds(1500));
  EXPECT_EQ(slow_de.get().status, 200);
  EXPECT_EQ(slow_fr.get().status, 200);
}

TEST_F(CacheTest, StaleWhileRevalidate) {
  start_with_cache("1", "60", "3600");
  ASSERT_EQ(get_hub("", key_).status, 200);
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));
  fake_->configure(R"({"latency_ms":2500})");

  const auto started = std::chrono::steady_clock::now();
  const HttpReply stale = get_hub("", key_);
  const auto waited = std::chrono::steady_clock::now() - started;

  EXPECT_EQ(cache_status_of(stale), "stale");
  // The refresh takes 2.5 s or more, and the stale response must not wait for it.
  EXPECT_LT(waited, std::chrono::milliseconds(2000));
  EXPECT_NE(stale.headers.at("cache-status").find("stale-while-revalidate"), std::string::npos);
  for (int i = 0; i < 100 && fake_->calls("pathfinder") < 2; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(3000));
  EXPECT_EQ(fake_->calls("pathfinder"), 2);
  // The refreshed copy replaced the stale one: its fetch time is later.
  const auto fetched_at = [](const HttpReply& reply) {
    return std::string(body_of(reply).at("data").at("meta").at("fetchedAt").as_string());
  };
  EXPECT_GT(fetched_at(get_hub("", key_)), fetched_at(stale));
}

TEST_F(CacheTest, FailingRefreshServesStaleIfError) {
  start_with_cache("1", "0", "3600");
  ASSERT_EQ(get_hub("", key_).status, 200);
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));
  fake_->add_fault(R"({"endpoint":"pathfinder","kind":"status","status":503,"count":-1})");

  const HttpReply stale = get_hub("", key_);

  ASSERT_EQ(stale.status, 200) << stale.body;
  EXPECT_EQ(cache_status_of(stale), "stale");
  EXPECT_NE(stale.headers.at("cache-status").find("stale-if-error"), std::string::npos);
  EXPECT_GE(body_of(stale).at("data").at("meta").at("cache").at("ageSeconds").as_int64(), 1);
}

TEST_F(CacheTest, MaxAgeZeroForcesFetch) {
  start_with_cache("300", "300", "3600");
  ASSERT_EQ(get_hub("", key_).status, 200);
  const HttpReply forced = get_hub("?max_age=0", key_);
  EXPECT_EQ(cache_status_of(forced), "miss");
  EXPECT_EQ(fake_->calls("pathfinder"), 2);
  for (const char* query : {"?max_age=-1", "?max_age=abc", "?max_age=86401", "?max_age="}) {
    const HttpReply refused = get_hub(query, key_);
    EXPECT_EQ(refused.status, 400) << query;
    EXPECT_EQ(error_of(refused), "invalid_request") << query;
  }
}

TEST_F(CacheTest, MaxAgeRefusesStaleIfError) {
  start_with_cache("1", "0", "3600");
  ASSERT_EQ(get_hub("", key_).status, 200);
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));
  fake_->add_fault(R"({"endpoint":"pathfinder","kind":"status","status":503,"count":-1})");
  const HttpReply refused = get_hub("?max_age=1", key_);
  EXPECT_EQ(refused.status, 502);
  EXPECT_EQ(error_of(refused), "upstream_failed");
}

}  // namespace
}  // namespace countryhub::testing
