// Plan limits, RateLimit headers, idempotent replays and the usage endpoint
// through the real server.
#include <future>
#include <set>
#include <vector>

#include "integration/service_fixture.hpp"
#include "store/store.hpp"
#include "support/fake_spotify.hpp"

namespace countryhub::testing {
namespace {

class LimitsTest : public ServiceTest {
 protected:
  // Spends credits on the 1st of this month (the 28th when today is the
  // 1st), so that today's cap is untouched.
  void spend_earlier(const std::string& email, std::int64_t credits) {
    auto store = store::open_store(database());
    auto account = (*store)->find_account(email);
    const std::time_t now = std::time(nullptr);
    std::tm utc{};
    gmtime_r(&now, &utc);
    char day[16];
    std::strftime(day, sizeof day, "%Y-%m-%d", &utc);
    const std::string month(day, 7);
    const std::string other_day = month + (std::string(day).ends_with("-01") ? "-28" : "-01");
    ASSERT_TRUE((*store)->charge(
        store::ChargeRequest{account->id, credits, other_day, month, -1, -1, {}}));
  }

  HttpReply usage(const std::string& key) {
    return http_get(service_->url("/api/v1/account/usage"), {{"x-api-key", key}});
  }
};

TEST_F(LimitsTest, FreeKeyFiveOfSixPerMinute) {
  const std::string key = account_with_key("ann@example.com", "free");
  start_replaying_service();
  for (int i = 0; i < 5; ++i) {
    ASSERT_EQ(get_hub("", key).status, 200) << i;
  }

  const HttpReply sixth = get_hub("", key);

  EXPECT_EQ(sixth.status, 429);
  EXPECT_EQ(error_of(sixth), "rate_limited");
  const std::int64_t retry_after = std::stoll(sixth.headers.at("retry-after"));
  EXPECT_GE(retry_after, 55);
  EXPECT_LE(retry_after, 60);
  EXPECT_EQ(body_of(sixth).at("data").at("retryAfterSeconds").as_int64(), retry_after);
  EXPECT_NE(body_of(sixth).at("msg").as_string().find("5 requests per minute"),
            std::string::npos);
  EXPECT_NE(body_of(sixth).at("msg").as_string().find("Free"), std::string::npos);
  // The usage endpoint is keyed too, so it is limited as well: ask the CLI.
  EXPECT_NE(cli({"usage", "ann@example.com"}).out.find("used 15 "), std::string::npos);
  EXPECT_EQ(usage(key).status, 429);
}

TEST_F(LimitsTest, LimitSharedByAccountKeys) {
  const std::string first = account_with_key("bo@example.com", "free");
  const std::string second = new_key("bo@example.com");
  start_replaying_service();
  for (int i = 0; i < 5; ++i) {
    ASSERT_EQ(get_hub("", i % 2 == 0 ? first : second).status, 200);
  }
  EXPECT_EQ(get_hub("", second).status, 429);
}

TEST_F(LimitsTest, RateLimitHeadersNameEveryPolicy) {
  const std::string key = account_with_key("cat@example.com", "free");
  start_replaying_service();

  const HttpReply reply = get_hub("", key);
  const HttpReply bad_country = get_hub("?country_code=zz", key);

  ASSERT_EQ(reply.status, 200);
  const std::string policy = reply.headers.at("ratelimit-policy");
  EXPECT_EQ(policy.rfind("\"minute\";q=5;w=60, \"day\";q=500;w=86400, \"month\";q=2000;w=", 0),
            0u)
      << policy;
  const std::string state = reply.headers.at("ratelimit");
  EXPECT_EQ(state.rfind("\"minute\";r=4;t=", 0), 0u) << state;
  EXPECT_NE(state.find("\"day\";r=497;"), std::string::npos) << state;
  EXPECT_NE(state.find("\"month\";r=1997;"), std::string::npos) << state;
  EXPECT_NE(bad_country.headers.at("ratelimit").find("\"minute\";r=3;"), std::string::npos);
  EXPECT_EQ(get_hub("", "").headers.count("ratelimit"), 0u);
}

TEST_F(LimitsTest, PlanWithoutDailyCapHasNoDayPolicy) {
  const std::string key = account_with_key("dan@example.com", "pro");
  start_replaying_service();
  const HttpReply reply = get_hub("", key);
  EXPECT_EQ(reply.headers.at("ratelimit-policy").find("\"day\""), std::string::npos);
}

TEST_F(LimitsTest, ConcurrentRequestsSpendExactlyWhatIsLeft) {
  const std::string key = account_with_key("eli@example.com", "growth");
  spend_earlier("eli@example.com", 99970);  // 30 credits: 10 requests
  start_replaying_service();

  std::vector<std::future<HttpReply>> replies;
  for (int i = 0; i < 40; ++i) {
    replies.push_back(std::async(std::launch::async, [&] { return get_hub("", key); }));
  }
  int served = 0;
  int exhausted = 0;
  for (auto& reply : replies) {
    const HttpReply answer = reply.get();
    served += answer.status == 200 ? 1 : 0;
    exhausted += answer.status == 429 && error_of(answer) == "credits_exhausted" ? 1 : 0;
  }

  EXPECT_EQ(served, 10);
  EXPECT_EQ(exhausted, 30);
  const auto credits = body_of(usage(key)).at("data").at("credits");
  EXPECT_EQ(credits.at("used").as_int64(), 100000);
  EXPECT_EQ(credits.at("remaining").as_int64(), 0);
}

TEST_F(LimitsTest, IdempotentRepeatReplaysWithoutCharge) {
  const std::string key = account_with_key("fay@example.com", "free");
  start_replaying_service();

  const HttpReply first = get_hub("", key, {{"Idempotency-Key", "order-1"}});
  const HttpReply repeat = get_hub("", key, {{"Idempotency-Key", "order-1"}});
  const HttpReply other = get_hub("", key, {{"Idempotency-Key", "order-2"}});

  ASSERT_EQ(first.status, 200);
  ASSERT_EQ(repeat.status, 200);
  EXPECT_EQ(repeat.body, first.body);
  EXPECT_EQ(repeat.headers.at("idempotent-replayed"), "true");
  EXPECT_EQ(repeat.headers.at("x-credits-charged"), "0");
  EXPECT_EQ(other.headers.count("idempotent-replayed"), 0u);
  EXPECT_EQ(body_of(usage(key)).at("data").at("credits").at("used").as_int64(), 6);
}

TEST_F(LimitsTest, InvalidIdempotencyKeyIsInvalidRequest) {
  const std::string key = account_with_key("gus@example.com", "free");
  start_replaying_service();
  const HttpReply reply = get_hub("", key, {{"Idempotency-Key", std::string(300, 'k')}});
  EXPECT_EQ(reply.status, 400);
  EXPECT_EQ(error_of(reply), "invalid_request");
}

TEST_F(LimitsTest, ConcurrentRepeatCallsSpotifyOnce) {
  auto fake = FakeSpotify::start(fixture_path("composed"));
  const std::string key = account_with_key("hal@example.com", "growth");
  start_service({"--spotify-web-url", fake->base_url(), "--spotify-api-url", fake->base_url(),
                 "--spotify-clienttoken-url", fake->base_url(), "--totp-secret",
                 "countryhub-fake-secret-7Q2x", "--totp-version", "61"});
  fake->configure(R"({"latency_ms":300})");

  std::vector<std::future<HttpReply>> replies;
  for (int i = 0; i < 6; ++i) {
    replies.push_back(std::async(std::launch::async, [&] {
      return get_hub("", key, {{"Idempotency-Key", "same"}});
    }));
  }
  std::set<std::string> bodies;
  for (auto& reply : replies) {
    const HttpReply answer = reply.get();
    EXPECT_EQ(answer.status, 200);
    bodies.insert(answer.body);
  }

  EXPECT_EQ(bodies.size(), 1u);
  EXPECT_EQ(fake->calls("pathfinder"), 1);
  EXPECT_EQ(body_of(usage(key)).at("data").at("credits").at("used").as_int64(), 3);
}

TEST_F(LimitsTest, UsageMatchesTheRecordedCharges) {
  const std::string key = account_with_key("ivy@example.com", "starter", true);
  spend_earlier("ivy@example.com", 20000);
  start_service({"--replay", replay_dir({{"hub_us.json", "hub_us.json"},
                                         {"block_page.html", "hub_de.json"}})
                                 .string()});
  ASSERT_EQ(get_hub("", key).status, 200);
  ASSERT_EQ(get_hub("?country_code=de", key).status, 502);
  ASSERT_EQ(get_hub("?country_code=zz", key).status, 400);
  ASSERT_EQ(get_hub("", key).status, 200);

  const HttpReply reply = usage(key);

  ASSERT_EQ(reply.status, 200) << reply.body;
  EXPECT_EQ(reply.headers.count("x-credits-charged"), 0u);
  const auto data = body_of(reply).at("data").as_object();
  EXPECT_EQ(data.at("plan").at("id").as_string(), "starter");
  EXPECT_EQ(data.at("plan").at("overageEnabled").as_bool(), true);
  EXPECT_EQ(data.at("credits").at("included").as_int64(), 20000);
  EXPECT_EQ(data.at("credits").at("used").as_int64(), 20006);
  EXPECT_EQ(data.at("credits").at("remaining").as_int64(), 0);
  EXPECT_EQ(data.at("credits").at("overage").as_int64(), 6);
  EXPECT_EQ(data.at("credits").at("overageCostUsd").as_string(), "0.0045");
  EXPECT_EQ(data.at("today").at("credits").as_int64(), 6);
  EXPECT_EQ(data.at("today").at("dailyCap").as_int64(), 5000);
  EXPECT_EQ(data.at("today").at("remaining").as_int64(), 4994);
  std::int64_t series_total = 0;
  for (const auto& day : data.at("days").as_array()) {
    series_total += day.at("credits").as_int64();
  }
  EXPECT_EQ(series_total, 20006);

  const CommandResult table = cli({"usage", "ivy@example.com"});
  ASSERT_EQ(table.exit_code, 0) << table.err;
  EXPECT_NE(table.out.find("used 20006"), std::string::npos) << table.out;
  EXPECT_NE(table.out.find("$0.0045"), std::string::npos) << table.out;
}

}  // namespace
}  // namespace countryhub::testing
