// Credits, rotation and persistence through the real server and command line.
#include <chrono>
#include <ctime>
#include <thread>

#include "integration/service_fixture.hpp"
#include "store/store.hpp"

namespace countryhub::testing {
namespace {

class BillingFlowTest : public ServiceTest {
 protected:
  // Returns today's UTC day and month as YYYY-MM-DD and YYYY-MM.
  static std::pair<std::string, std::string> today() {
    const std::time_t now = std::time(nullptr);
    std::tm utc{};
    gmtime_r(&now, &utc);
    char day[16];
    std::strftime(day, sizeof day, "%Y-%m-%d", &utc);
    return {day, std::string(day, 7)};
  }

  // Spends credits of the account directly in the store, as earlier
  // requests would have: on another day of this month, so that the daily
  // cap is not touched, or today.
  void spend(const std::string& email, std::int64_t credits, bool is_today = false) {
    auto store = store::open_store(database());
    ASSERT_TRUE(store) << store.error().detail;
    auto account = (*store)->find_account(email);
    ASSERT_TRUE(account);
    const auto [day, month] = today();
    const std::string other_day = month + (day.ends_with("-01") ? "-28" : "-01");
    ASSERT_TRUE((*store)->charge(
        store::ChargeRequest{account->id, credits, is_today ? day : other_day, month, -1, -1, {}}));
  }

  std::int64_t month_credits(const std::string& email) {
    auto store = store::open_store(database());
    auto account = (*store)->find_account(email);
    return (*store)->month_credits(account->id, today().second).value();
  }
};

TEST_F(BillingFlowTest, CreditsCountOnlySuccesses) {
  const std::string key = account_with_key("eve@example.com", "starter");
  start_service({"--replay", replay_dir({{"hub_us.json", "hub_us.json"},
                                         {"hub_gb.json", "hub_fr.json"},
                                         {"block_page.html", "hub_de.json"}})
                                 .string()});
  int successes = 0;
  for (const char* query : {"?country_code=us", "?country_code=fr", "?country_code=de",
                            "?country_code=zz", "?country_code=us", "?country_code=jp"}) {
    const HttpReply reply = get_hub(query, key);
    successes += reply.status == 200 ? 1 : 0;
    if (reply.status != 200) {
      EXPECT_EQ(reply.headers.count("x-credits-charged"), 0u) << query;
    }
  }
  EXPECT_EQ(successes, 2);
  EXPECT_EQ(month_credits("eve@example.com"), 6);
}

TEST_F(BillingFlowTest, SpentFreeCreditsStopRequestsWith429) {
  const std::string key = account_with_key("fay@example.com", "free");
  spend("fay@example.com", 1998);
  start_replaying_service();

  const HttpReply reply = get_hub("", key);

  EXPECT_EQ(reply.status, 429);
  EXPECT_EQ(error_of(reply), "credits_exhausted");
  const std::int64_t retry_after = std::stoll(reply.headers.at("retry-after"));
  EXPECT_GT(retry_after, 0);
  EXPECT_LE(retry_after, 31 * 86400);
  EXPECT_EQ(body_of(reply).at("data").at("retryAfterSeconds").as_int64(), retry_after);
  EXPECT_EQ(month_credits("fay@example.com"), 1998);
}

TEST_F(BillingFlowTest, TheLastThreeCreditsStillServeOneRequest) {
  const std::string key = account_with_key("gil@example.com", "free");
  spend("gil@example.com", 1997);
  start_replaying_service();

  const HttpReply last = get_hub("", key);
  ASSERT_EQ(last.status, 200) << last.body;
  EXPECT_EQ(last.headers.at("x-credits-remaining"), "0");
  EXPECT_EQ(get_hub("", key).status, 429);
  EXPECT_EQ(month_credits("gil@example.com"), 2000);
}

TEST_F(BillingFlowTest, DailyCapStopsRequestsUntilMidnight) {
  const std::string key = account_with_key("dee@example.com", "free");
  spend("dee@example.com", 495, true);
  start_replaying_service();

  const HttpReply last = get_hub("", key);
  ASSERT_EQ(last.status, 200) << last.body;
  const HttpReply capped = get_hub("", key);

  EXPECT_EQ(capped.status, 429);
  EXPECT_EQ(error_of(capped), "daily_cap_reached");
  const std::int64_t retry_after = std::stoll(capped.headers.at("retry-after"));
  EXPECT_GT(retry_after, 0);
  EXPECT_LE(retry_after, 86400);
  EXPECT_NE(body_of(capped).at("msg").as_string().find("Free"), std::string::npos);
  EXPECT_EQ(month_credits("dee@example.com"), 498);
}

TEST_F(BillingFlowTest, ProPlanGoesIntoOverage) {
  const std::string key = account_with_key("hal@example.com", "pro");
  spend("hal@example.com", 400000);
  start_replaying_service();

  const HttpReply reply = get_hub("", key);
  ASSERT_EQ(reply.status, 200);
  EXPECT_EQ(reply.headers.at("x-credits-remaining"), "0");
  EXPECT_EQ(month_credits("hal@example.com"), 400003);
}

TEST_F(BillingFlowTest, RotationWithGraceKeepsTheOldKeyUntilItEnds) {
  const std::string old_key = account_with_key("ida@example.com", "free");
  start_replaying_service();
  CommandResult rotated =
      cli({"keys", "rotate", "--account", "ida@example.com", "--grace", "2s"});
  ASSERT_EQ(rotated.exit_code, 0) << rotated.err;
  const std::string new_key = rotated.out.substr(0, rotated.out.find('\n'));
  ASSERT_NE(new_key, old_key);

  EXPECT_EQ(get_hub("", old_key).status, 200);
  EXPECT_EQ(get_hub("", new_key).status, 200);
  std::this_thread::sleep_for(std::chrono::milliseconds(2100));
  const HttpReply expired = get_hub("", old_key);
  EXPECT_EQ(expired.status, 401);
  EXPECT_EQ(error_of(expired), "invalid_api_key");
  EXPECT_EQ(get_hub("", new_key).status, 200);
}

TEST_F(BillingFlowTest, RotationWithoutGraceRevokesAtOnce) {
  const std::string old_key = account_with_key("jo@example.com", "free");
  start_replaying_service();
  CommandResult rotated = cli({"keys", "rotate", "--account", "jo@example.com", "--grace", "0"});
  ASSERT_EQ(rotated.exit_code, 0) << rotated.err;
  const std::string new_key = rotated.out.substr(0, rotated.out.find('\n'));

  const HttpReply old_reply = get_hub("", old_key);
  EXPECT_EQ(old_reply.status, 403);
  EXPECT_EQ(error_of(old_reply), "key_revoked");
  EXPECT_EQ(get_hub("", new_key).status, 200);
}

TEST_F(BillingFlowTest, RestartKeepsKeysAndCredits) {
  const std::string key = account_with_key("kim@example.com", "free");
  start_replaying_service();
  ASSERT_EQ(get_hub("", key).status, 200);
  ASSERT_EQ(service_->stop(), 0);

  start_replaying_service();
  const HttpReply reply = get_hub("", key);
  ASSERT_EQ(reply.status, 200);
  EXPECT_EQ(reply.headers.at("x-credits-remaining"), "1994");
}

TEST_F(BillingFlowTest, KeysCreatePrintsOnlyTheKey) {
  ASSERT_EQ(cli({"accounts", "create", "--email", "lu@example.com", "--plan", "growth"}).exit_code,
            0);
  const CommandResult issued = cli({"keys", "create", "--account", "lu@example.com"});
  ASSERT_EQ(issued.exit_code, 0);
  EXPECT_EQ(issued.out.size(), 44u);  // 43 characters and a newline
  EXPECT_EQ(issued.out.rfind("chub_", 0), 0u);
  const CommandResult listed = cli({"keys", "list", "--account", "lu@example.com"});
  EXPECT_EQ(listed.out.find(issued.out.substr(0, 43)), std::string::npos);
  EXPECT_NE(listed.out.find(issued.out.substr(0, 12)), std::string::npos);
}

}  // namespace
}  // namespace countryhub::testing
