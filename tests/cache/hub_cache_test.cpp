#include "cache/hub_cache.hpp"

#include <atomic>
#include <future>
#include <mutex>
#include <thread>
#include <vector>

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include "support/fixtures.hpp"

namespace countryhub::cache {
namespace {

constexpr std::int64_t kStart = 1'796'385'600'000;

// A hub source for the cache under test: normalizes a composed fixture,
// counts calls, and can be set to fail or to block until released.
class CountingHubClient : public spotify::HubClient {
 public:
  spotify::FetchResult<spotify::HubDocument> fetch_hub(const spotify::HubRequest& request) override {
    ++calls;
    {
      std::unique_lock lock(mutex_);
      released_.wait(lock, [this] { return !is_blocked_; });
    }
    if (should_fail.load()) {
      return spotify::FetchFailure{spotify::Error::kUpstreamStatus, spotify::Stage::kPathfinder,
                                   "HTTP 503"};
    }
    spotify::NormalizeOptions options;
    options.requested_country = request.country_code;
    options.hub_only = true;
    options.app_version = "test";
    options.fetched_at_ms = fetched_at_ms.load();
    auto document = spotify::normalize_hub(body_, options);
    return std::move(*document);
  }

  spotify::UpstreamStatus status() const override { return {}; }
  void reload(spotify::ClientConfig) override {}

  void block() {
    std::lock_guard lock(mutex_);
    is_blocked_ = true;
  }
  void release() {
    {
      std::lock_guard lock(mutex_);
      is_blocked_ = false;
    }
    released_.notify_all();
  }

  std::atomic<int> calls{0};
  std::atomic<bool> should_fail{false};
  std::atomic<std::int64_t> fetched_at_ms{kStart};

 private:
  std::string body_ = testing::read_fixture("composed/hub_us.json");
  std::mutex mutex_;
  std::condition_variable released_;
  bool is_blocked_ = false;
};

class HubCacheTest : public ::testing::Test {
 protected:
  HubCacheTest() : cache_(client_, config(), [this] { return now_ms_.load(); }) {}

  static CacheConfig config() {
    CacheConfig config;
    config.fresh_ttl_ms = 300'000;
    config.stale_while_revalidate_ms = 60'000;
    config.stale_if_error_ms = 3'600'000;
    config.body_prefix = "[";
    config.body_suffix = "]";
    return config;
  }

  // Sets the clock and the fetch time of the next upstream response together.
  void advance_to(std::int64_t ms) {
    now_ms_ = ms;
    client_.fetched_at_ms = ms;
  }

  CountingHubClient client_;
  std::atomic<std::int64_t> now_ms_{kStart};
  HubCache cache_;
};

TEST_F(HubCacheTest, FirstRequestMissesThenHits) {
  auto first = cache_.get("us", std::nullopt, "r1");
  ASSERT_TRUE(first);
  EXPECT_EQ(first->freshness, Freshness::kMiss);
  EXPECT_EQ(first->cache_status, "countryhub; fwd=miss; stored; ttl=300");
  now_ms_ = kStart + 10'000;
  auto second = cache_.get("us", std::nullopt, "r2");
  ASSERT_TRUE(second);
  EXPECT_EQ(second->freshness, Freshness::kHit);
  EXPECT_EQ(second->age_seconds, 10);
  EXPECT_EQ(second->cache_status, "countryhub; hit; ttl=290");
  EXPECT_EQ(client_.calls.load(), 1);
}

TEST_F(HubCacheTest, RenderSplicesRequestIdAndCacheState) {
  now_ms_ = kStart;
  auto answer = cache_.get("us", std::nullopt, "r1");
  ASSERT_TRUE(answer);
  const std::string body = cache_.render(*answer, "req-123");
  const auto parsed = boost::json::parse(body).as_array().at(0).as_object();
  const auto& meta = parsed.at("meta").as_object();
  EXPECT_EQ(meta.at("requestId").as_string(), "req-123");
  EXPECT_EQ(meta.at("cache").at("status").as_string(), "miss");
  EXPECT_EQ(meta.at("cache").at("ageSeconds").as_int64(), 0);
  EXPECT_EQ(parsed.at("countryCode").as_string(), "US");
}

TEST_F(HubCacheTest, BodyPartsJoinToTheRenderedBody) {
  auto answer = cache_.get("us", std::nullopt, "r1");
  ASSERT_TRUE(answer);

  const common::BodyParts parts = cache_.body_parts(*answer, "req-9");

  EXPECT_EQ(parts.joined(), cache_.render(*answer, "req-9"));
  EXPECT_EQ(parts.shared.data(), answer->hub->head.data());  // sent in place, not copied
  EXPECT_EQ(parts.size(), parts.joined().size());
}

TEST_F(HubCacheTest, PeekFindsNothingBeforeTheFirstFetch) {
  EXPECT_FALSE(cache_.peek("us", std::nullopt, "r"));
  EXPECT_EQ(client_.calls.load(), 0);
  EXPECT_EQ(cache_.stats().misses, 0u);
}

TEST_F(HubCacheTest, PeekServesFreshAndRevalidatingCopies) {
  ASSERT_TRUE(cache_.get("us", std::nullopt, "r"));
  now_ms_ = kStart + 10'000;
  auto fresh = cache_.peek("us", std::nullopt, "r");
  ASSERT_TRUE(fresh);
  EXPECT_EQ(fresh->freshness, Freshness::kHit);

  client_.block();
  advance_to(kStart + 301'000);
  auto stale = cache_.peek("us", std::nullopt, "r");
  ASSERT_TRUE(stale);
  EXPECT_EQ(stale->freshness, Freshness::kStale);
  client_.release();
  for (int i = 0; i < 100 && cache_.stats().upstream_fetches < 2; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_EQ(client_.calls.load(), 2);
}

TEST_F(HubCacheTest, PeekLeavesOldCopiesToGet) {
  ASSERT_TRUE(cache_.get("us", std::nullopt, "r"));
  now_ms_ = kStart + 30'000;
  EXPECT_FALSE(cache_.peek("us", 10, "r"));  // older than max_age

  advance_to(kStart + 361'000);
  EXPECT_FALSE(cache_.peek("us", std::nullopt, "r"));  // past stale-while-revalidate
  EXPECT_EQ(client_.calls.load(), 1);
}

TEST_F(HubCacheTest, ConcurrentColdRequestsShareOneFetch) {
  client_.block();
  std::vector<std::future<spotify::FetchResult<CacheAnswer>>> answers;
  for (int i = 0; i < 50; ++i) {
    answers.push_back(std::async(std::launch::async, [this] {
      return cache_.get("us", std::nullopt, "r");
    }));
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  client_.release();
  int stored = 0;
  int collapsed = 0;
  for (auto& answer : answers) {
    auto result = answer.get();
    ASSERT_TRUE(result);
    stored += result->cache_status.find("stored") != std::string::npos ? 1 : 0;
    collapsed += result->cache_status.find("collapsed") != std::string::npos ? 1 : 0;
  }
  EXPECT_EQ(client_.calls.load(), 1);
  EXPECT_EQ(stored + collapsed, 50);
  EXPECT_GE(stored, 1);
}

TEST_F(HubCacheTest, StaleWhileRevalidateRefreshesOnce) {
  ASSERT_TRUE(cache_.get("us", std::nullopt, "r"));
  client_.block();
  advance_to(kStart + 301'000);
  for (int i = 0; i < 5; ++i) {
    auto stale = cache_.get("us", std::nullopt, "r");
    ASSERT_TRUE(stale);
    EXPECT_EQ(stale->freshness, Freshness::kStale);
    EXPECT_EQ(stale->age_seconds, 301);
    EXPECT_EQ(stale->cache_status, "countryhub; hit; detail=stale-while-revalidate; ttl=-1");
  }
  client_.release();
  for (int i = 0; i < 100 && cache_.stats().upstream_fetches < 2; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_EQ(client_.calls.load(), 2);
  auto fresh = cache_.get("us", std::nullopt, "r");
  ASSERT_TRUE(fresh);
  EXPECT_EQ(fresh->freshness, Freshness::kHit);
  EXPECT_EQ(fresh->age_seconds, 0);
}

TEST_F(HubCacheTest, PastStaleWindowWaitsForFetch) {
  ASSERT_TRUE(cache_.get("us", std::nullopt, "r"));
  advance_to(kStart + 361'000);
  auto refreshed = cache_.get("us", std::nullopt, "r");
  ASSERT_TRUE(refreshed);
  EXPECT_EQ(refreshed->freshness, Freshness::kMiss);
  EXPECT_EQ(refreshed->cache_status, "countryhub; fwd=stale; stored; ttl=300");
  EXPECT_EQ(client_.calls.load(), 2);
}

TEST_F(HubCacheTest, StaleIfErrorServesOldCopy) {
  ASSERT_TRUE(cache_.get("us", std::nullopt, "r"));
  client_.should_fail = true;
  now_ms_ = kStart + 400'000;
  auto stale = cache_.get("us", std::nullopt, "r");
  ASSERT_TRUE(stale);
  EXPECT_EQ(stale->freshness, Freshness::kStale);
  EXPECT_NE(stale->cache_status.find("detail=stale-if-error"), std::string::npos);
  now_ms_ = kStart + 300'000 + 3'600'000;
  auto too_old = cache_.get("us", std::nullopt, "r");
  ASSERT_FALSE(too_old);
  EXPECT_EQ(too_old.error().kind, spotify::Error::kUpstreamStatus);
}

TEST_F(HubCacheTest, MaxAgeRefusesOlderCopies) {
  ASSERT_TRUE(cache_.get("us", std::nullopt, "r"));
  advance_to(kStart + 30'000);
  auto young = cache_.get("us", 60, "r");
  ASSERT_TRUE(young);
  EXPECT_EQ(young->freshness, Freshness::kHit);
  auto refreshed = cache_.get("us", 10, "r");
  ASSERT_TRUE(refreshed);
  EXPECT_EQ(refreshed->freshness, Freshness::kMiss);
  EXPECT_EQ(refreshed->cache_status, "countryhub; fwd=request; stored; ttl=300");
  EXPECT_EQ(client_.calls.load(), 2);
}

TEST_F(HubCacheTest, MaxAgeAlsoBoundsStaleIfError) {
  ASSERT_TRUE(cache_.get("us", std::nullopt, "r"));
  client_.should_fail = true;
  now_ms_ = kStart + 30'000;
  EXPECT_FALSE(cache_.get("us", 10, "r"));
  EXPECT_TRUE(cache_.get("us", 60, "r"));
}

TEST_F(HubCacheTest, FailedFetchIsNotCachedAndIsRetried) {
  client_.should_fail = true;
  EXPECT_FALSE(cache_.get("us", std::nullopt, "r"));
  client_.should_fail = false;
  EXPECT_TRUE(cache_.get("us", std::nullopt, "r"));
  EXPECT_EQ(client_.calls.load(), 2);
}

TEST_F(HubCacheTest, MemoryCapEvictsLeastRecentlyUsed) {
  CacheConfig small = config();
  small.max_bytes = 1;  // room for one hub only
  CountingHubClient client;
  HubCache cache(client, small, [] { return kStart; });
  ASSERT_TRUE(cache.get("us", std::nullopt, "r"));
  ASSERT_TRUE(cache.get("gb", std::nullopt, "r"));
  EXPECT_EQ(cache.stats().entries, 1u);
  ASSERT_TRUE(cache.get("gb", std::nullopt, "r"));
  EXPECT_EQ(client.calls.load(), 2);
  ASSERT_TRUE(cache.get("us", std::nullopt, "r"));
  EXPECT_EQ(client.calls.load(), 3);
}

}  // namespace
}  // namespace countryhub::cache
