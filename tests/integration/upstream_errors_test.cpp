// The live path through the fake Spotify: success, and every 502 row of the
// contract with its stage, none of them charged.
#include <chrono>

#include "integration/service_fixture.hpp"
#include "support/fake_spotify.hpp"

namespace countryhub::testing {
namespace {

class UpstreamTest : public ServiceTest {
 protected:
  void SetUp() override {
    fake_ = FakeSpotify::start(fixture_path("composed"));
    key_ = account_with_key("mo@example.com", "growth");
    start_service({"--spotify-web-url", fake_->base_url(), "--spotify-api-url",
                   fake_->base_url(), "--spotify-clienttoken-url", fake_->base_url(),
                   "--totp-secret", "countryhub-fake-secret-7Q2x", "--totp-version", "61",
                   "--upstream-timeout-ms", "4000"});
  }

  // Asserts a 502 with its error and stage, and that nothing was charged.
  void expect_upstream_error(const HttpReply& reply, const std::string& error,
                             const std::string& stage) {
    EXPECT_EQ(reply.status, 502) << reply.body;
    EXPECT_EQ(error_of(reply), error) << reply.body;
    EXPECT_EQ(body_of(reply).at("data").at("stage").as_string(), stage) << reply.body;
    EXPECT_EQ(reply.headers.count("x-credits-charged"), 0u);
    const HttpReply healthy = get_hub("", key_);
    ASSERT_EQ(healthy.status, 200) << healthy.body;
    EXPECT_EQ(healthy.headers.at("x-credits-remaining"), std::to_string(100000 - 3));
  }

  std::unique_ptr<FakeSpotify> fake_;
  std::string key_;
};

TEST_F(UpstreamTest, LiveFetchCallsEachStageOnce) {
  const HttpReply reply = get_hub("?country_code=gb", key_);

  ASSERT_EQ(reply.status, 200) << reply.body << service_->log();
  EXPECT_EQ(body_of(reply).at("data").at("countryCode").as_string(), "GB");
  EXPECT_EQ(fake_->calls("token"), 1);
  EXPECT_EQ(fake_->calls("pathfinder"), 1);
  const auto last = fake_->calls().at("last_pathfinder").as_object();
  EXPECT_EQ(last.at("country").as_string(), "GB");
  EXPECT_EQ(last.at("hash").as_string(),
            "6c2e4b04d8836507c2ad09c954f27a6c98d8b0a761f99ef6f4dc9bbe7834ba55");
}

TEST_F(UpstreamTest, ServerErrorIsUpstreamFailed) {
  fake_->add_fault(R"({"endpoint":"pathfinder","kind":"status","status":503,"count":-1})");
  const HttpReply reply = get_hub("", key_);
  fake_->reset();
  expect_upstream_error(reply, "upstream_failed", "pathfinder");
}

TEST_F(UpstreamTest, TimeoutIsUpstreamFailed) {
  fake_->add_fault(R"({"endpoint":"pathfinder","kind":"timeout","delay_ms":9000,"count":-1})");
  const HttpReply reply = get_hub("", key_);
  fake_->reset();
  expect_upstream_error(reply, "upstream_failed", "pathfinder");
}

TEST_F(UpstreamTest, RateLimitPausesCalls) {
  fake_->add_fault(R"({"endpoint":"pathfinder","kind":"rate_limited","retry_after":30,"count":1})");
  const HttpReply reply = get_hub("", key_);
  EXPECT_EQ(reply.status, 502);
  EXPECT_EQ(error_of(reply), "upstream_rate_limited");
  EXPECT_EQ(body_of(reply).at("data").at("stage").as_string(), "pathfinder");
  EXPECT_EQ(body_of(reply).at("data").at("retryAfterSeconds").as_int64(), 30);
  EXPECT_EQ(reply.headers.count("x-credits-charged"), 0u);
  const std::int64_t calls = fake_->calls("pathfinder");

  // Until the 30 s pass, Spotify is not called again.
  const HttpReply paused = get_hub("?country_code=gb", key_);
  EXPECT_EQ(paused.status, 502);
  EXPECT_EQ(error_of(paused), "upstream_rate_limited");
  EXPECT_LE(body_of(paused).at("data").at("retryAfterSeconds").as_int64(), 30);
  EXPECT_EQ(fake_->calls("pathfinder"), calls);
}

TEST_F(UpstreamTest, DayLongRetryAfterIsReportedAtOnce) {
  fake_->add_fault(
      R"({"endpoint":"pathfinder","kind":"rate_limited","retry_after":86400,"count":1})");
  const auto started = std::chrono::steady_clock::now();
  const HttpReply reply = get_hub("", key_);
  // Far below a day: the check is that the client does not sleep on it, not a latency target.
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(5));
  EXPECT_EQ(reply.status, 502);
  EXPECT_EQ(error_of(reply), "upstream_rate_limited");
  EXPECT_EQ(body_of(reply).at("data").at("retryAfterSeconds").as_int64(), 86400);
  EXPECT_EQ(reply.headers.at("retry-after"), "86400");
}

TEST_F(UpstreamTest, BlockPageIsUpstreamChallenge) {
  fake_->add_fault(R"({"endpoint":"pathfinder","kind":"html_block","count":-1})");
  const HttpReply reply = get_hub("", key_);
  fake_->reset();
  expect_upstream_error(reply, "upstream_challenge", "pathfinder");
}

TEST_F(UpstreamTest, CaptchaIsUpstreamChallenge) {
  fake_->add_fault(R"({"endpoint":"pathfinder","kind":"captcha","count":-1})");
  const HttpReply reply = get_hub("", key_);
  fake_->reset();
  expect_upstream_error(reply, "upstream_challenge", "pathfinder");
}

TEST_F(UpstreamTest, ErrorsWithoutDataAreUnusable) {
  fake_->add_fault(R"({"endpoint":"pathfinder","kind":"errors_without_data","count":-1})");
  const HttpReply reply = get_hub("", key_);
  fake_->reset();
  expect_upstream_error(reply, "upstream_unusable", "pathfinder");
}

TEST_F(UpstreamTest, StaleHashHealedFromBundle) {
  const std::string fresh_hash(64, 'a');
  fake_->configure(R"({"accepted_hashes":[")" + fresh_hash + R"("]})");
  const HttpReply reply = get_hub("", key_);
  ASSERT_EQ(reply.status, 200) << reply.body;
  EXPECT_GE(fake_->calls("bundle"), 1);
  EXPECT_EQ(fake_->calls().at("last_pathfinder").at("hash").as_string(), fresh_hash);
  const HttpReply ready = http_get(service_->url("/readyz"));
  EXPECT_EQ(body_of(ready).at("data").at("upstream").at("workingHash").as_string(), fresh_hash);
}

TEST_F(UpstreamTest, StaleHashesEverywhereAreUnusable) {
  fake_->configure(R"({"accepted_hashes":[")" + std::string(64, 'a') +
                   R"("],"bundle_hashes":[")" + std::string(64, 'b') + R"("]})");
  const HttpReply reply = get_hub("", key_);
  EXPECT_GE(fake_->calls("pathfinder"), 2);
  fake_->reset();
  expect_upstream_error(reply, "upstream_unusable", "pathfinder");
}

TEST_F(UpstreamTest, InvalidUtf8IsUnusable) {
  fake_->add_fault(R"({"endpoint":"pathfinder","kind":"invalid_utf8","count":-1})");
  const HttpReply reply = get_hub("", key_);
  fake_->reset();
  expect_upstream_error(reply, "upstream_unusable", "parse");
}

TEST_F(UpstreamTest, EmptyHubIsUnusable) {
  fake_->add_fault(R"({"endpoint":"pathfinder","kind":"empty_hub","count":-1})");
  const HttpReply reply = get_hub("", key_);
  fake_->reset();
  expect_upstream_error(reply, "upstream_unusable", "parse");
}

TEST_F(UpstreamTest, AnotherCountrysHubIsCountryMismatch) {
  fake_->add_fault(R"({"endpoint":"pathfinder","kind":"country_mismatch","country":"GB","count":-1})");
  const HttpReply reply = get_hub("?country_code=fr", key_);
  fake_->reset();
  expect_upstream_error(reply, "upstream_country_mismatch", "parse");
}

TEST_F(UpstreamTest, NoTokenFromAnySourceIsAuthFailed) {
  fake_->add_fault(R"({"endpoint":"token","kind":"status","status":400,"count":-1})");
  fake_->add_fault(R"({"endpoint":"embed","kind":"status","status":500,"count":-1})");
  const HttpReply reply = get_hub("", key_);
  EXPECT_EQ(fake_->calls("pathfinder"), 0);
  fake_->reset();
  expect_upstream_error(reply, "upstream_auth_failed", "token");
}

TEST_F(UpstreamTest, ExpiredTotpVersionIsAuthFailure) {
  fake_->configure(R"({"expired_versions":[61]})");
  fake_->add_fault(R"({"endpoint":"embed","kind":"status","status":500,"count":-1})");
  const HttpReply reply = get_hub("", key_);
  EXPECT_EQ(fake_->calls("pathfinder"), 0);
  EXPECT_NE(body_of(reply).at("msg").as_string().find("--totp-secret"), std::string::npos)
      << reply.body;
  fake_->reset();
  expect_upstream_error(reply, "upstream_auth_failed", "token");
}

TEST_F(UpstreamTest, BlockPageOnTheTokenUrlIsAChallenge) {
  fake_->add_fault(R"({"endpoint":"token","kind":"html_block","count":-1})");
  fake_->add_fault(R"({"endpoint":"embed","kind":"html_block","count":-1})");
  const HttpReply reply = get_hub("", key_);
  EXPECT_EQ(fake_->calls("pathfinder"), 0);
  fake_->reset();
  expect_upstream_error(reply, "upstream_challenge", "token");
}

TEST_F(UpstreamTest, ReadyzShowsEachStagesState) {
  ASSERT_EQ(get_hub("", key_).status, 200);
  const HttpReply ready = http_get(service_->url("/readyz"));
  ASSERT_EQ(ready.status, 200);
  const auto upstream = body_of(ready).at("data").at("upstream").as_object();
  EXPECT_EQ(upstream.at("hasToken").as_bool(), true);
  EXPECT_EQ(upstream.at("totpVersionInUse").as_string(), "61 (configured)");
  EXPECT_EQ(upstream.at("breakers").at("pathfinder").as_string(), "closed");
  EXPECT_EQ(upstream.at("knownHashes").as_array().size(), 2u);
  EXPECT_FALSE(upstream.at("lastSuccessAt").is_null());
}

TEST_F(UpstreamTest, RepeatedFailuresOpenTheBreaker) {
  fake_->add_fault(R"({"endpoint":"pathfinder","kind":"status","status":503,"count":-1})");
  for (int i = 0; i < 3; ++i) {
    get_hub("?country_code=fr", key_);
  }
  const std::int64_t calls = fake_->calls("pathfinder");
  const HttpReply paused = get_hub("?country_code=fr", key_);
  EXPECT_EQ(paused.status, 502);
  EXPECT_EQ(error_of(paused), "upstream_failed");
  EXPECT_EQ(fake_->calls("pathfinder"), calls);
  const HttpReply ready = http_get(service_->url("/readyz"));
  EXPECT_EQ(body_of(ready).at("data").at("upstream").at("breakers").at("pathfinder").as_string(),
            "open");
}

TEST_F(UpstreamTest, UnauthorizedHealedByTokenRefresh) {
  ASSERT_EQ(get_hub("", key_).status, 200);
  fake_->add_fault(R"({"endpoint":"pathfinder","kind":"unauthorized","count":1})");

  const HttpReply reply = get_hub("?max_age=0", key_);

  ASSERT_EQ(reply.status, 200) << reply.body;
  EXPECT_EQ(fake_->calls("token"), 2);
  EXPECT_EQ(fake_->calls("pathfinder"), 3);
}

TEST_F(UpstreamTest, NullItemIsDroppedAndCounted) {
  fake_->add_fault(R"({"endpoint":"pathfinder","kind":"null_item","count":1})");
  const HttpReply reply = get_hub("", key_);
  ASSERT_EQ(reply.status, 200) << reply.body;
  EXPECT_GE(body_of(reply).at("data").at("meta").at("droppedItemCount").as_int64(), 1);
}

}  // namespace
}  // namespace countryhub::testing
