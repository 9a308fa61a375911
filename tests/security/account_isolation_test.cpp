// One account's key reaches only that account: its usage, its charges and
// its stored idempotent responses. Nothing in a request can point it at another
// account, and no HTTP route changes usage or keys.
#include "integration/service_fixture.hpp"

namespace countryhub::testing {
namespace {

class AccountIsolationTest : public ServiceTest {
 protected:
  void SetUp() override {
    key_a_ = account_with_key("alice@example.com", "pro");
    key_b_ = account_with_key("bob@example.com", "pro");
    start_replaying_service();
  }

  // Returns credits.used of the usage report that `key` gets, after the
  // query `query` and `headers`; -1 when the report is not a 200.
  std::int64_t used_credits(const std::string& key, const std::string& query = "",
                            std::vector<std::pair<std::string, std::string>> headers = {}) {
    headers.emplace_back("x-api-key", key);
    const HttpReply reply = http_get(service_->url("/api/v1/account/usage" + query), headers);
    if (reply.status != 200) {
      return -1;
    }
    return body_of(reply).at("data").at("credits").at("used").as_int64();
  }

  std::string key_a_;
  std::string key_b_;
};

TEST_F(AccountIsolationTest, UsageShowsOnlyTheKeysAccount) {
  ASSERT_EQ(get_hub("", key_a_).status, 200);
  ASSERT_EQ(get_hub("?country_code=gb", key_a_).status, 200);
  ASSERT_EQ(get_hub("", key_b_).status, 200);
  EXPECT_EQ(used_credits(key_a_), 6);
  EXPECT_EQ(used_credits(key_b_), 3);
  const HttpReply report =
      http_get(service_->url("/api/v1/account/usage"), {{"x-api-key", key_a_}});
  EXPECT_EQ(report.body.find("bob"), std::string::npos);
}

TEST_F(AccountIsolationTest, NothingInTheRequestSelectsAnotherAccount) {
  ASSERT_EQ(get_hub("", key_b_).status, 200);
  const std::vector<std::string> queries = {
      "?account=bob@example.com", "?email=bob@example.com",    "?account_id=2", "?id=2",
      "?key=" + key_b_,           "?account_id=2&account_id=1"};
  for (const std::string& query : queries) {
    EXPECT_EQ(used_credits(key_a_, query), 0) << query;
  }
  EXPECT_EQ(used_credits(key_a_, "", {{"X-Account-Id", "2"}, {"X-Account", "bob@example.com"}}), 0);
  // Both headers given: x-api-key wins, and the other key is not consulted.
  EXPECT_EQ(used_credits(key_a_, "", {{"Authorization", "Bearer " + key_b_}}), 0);
  const HttpReply charged = get_hub("", key_a_, {{"Authorization", "Bearer " + key_b_}});
  ASSERT_EQ(charged.status, 200);
  EXPECT_EQ(used_credits(key_a_), 3);
  EXPECT_EQ(used_credits(key_b_), 3);
}

TEST_F(AccountIsolationTest, IdempotencyKeysDoNotCrossAccounts) {
  const HttpReply first = get_hub("", key_a_, {{"Idempotency-Key", "shared-key-1"}});
  const HttpReply other =
      get_hub("?country_code=gb", key_b_, {{"Idempotency-Key", "shared-key-1"}});
  ASSERT_EQ(first.status, 200);
  ASSERT_EQ(other.status, 200);
  EXPECT_EQ(other.headers.count("idempotent-replayed"), 0u);
  EXPECT_EQ(other.headers.at("x-credits-charged"), "3");
  const auto first_meta = body_of(first).at("data").at("meta");
  const auto other_data = body_of(other).at("data");
  EXPECT_EQ(other_data.at("countryCode").as_string(), "GB");
  EXPECT_NE(other_data.at("meta").at("requestId"), first_meta.at("requestId"));
  EXPECT_EQ(used_credits(key_a_), 3);
  EXPECT_EQ(used_credits(key_b_), 3);
}

TEST_F(AccountIsolationTest, NoRouteChangesUsageOrKeys) {
  ASSERT_EQ(get_hub("", key_b_).status, 200);
  const std::vector<std::string> paths = {"/api/v1/account/usage",    "/api/v1/account/keys",
                                          "/api/v1/account/keys/1",   "/api/v1/account",
                                          "/api/v1/accounts/2/usage", "/api/v1/keys"};
  for (const std::string& path : paths) {
    for (const std::string method : {"POST", "PUT", "PATCH", "DELETE"}) {
      const HttpReply reply =
          http_call(HttpCall{method,
                             service_->url(path),
                             {{"x-api-key", key_a_}, {"Content-Type", "application/json"}},
                             R"({"account_id":2,"credits":0,"revoked":true})"});
      EXPECT_TRUE(reply.status == 404 || reply.status == 405) << method << " " << path;
    }
  }
  EXPECT_EQ(used_credits(key_b_), 3);
  EXPECT_EQ(get_hub("", key_b_).status, 200);
}

TEST_F(AccountIsolationTest, RevokingOneAccountsKeyLeavesTheOther) {
  ASSERT_EQ(cli({"keys", "revoke", "--account", "alice@example.com", "--key", key_a_.substr(0, 12)})
                .exit_code,
            0);
  EXPECT_EQ(get_hub("", key_a_).status, 403);
  EXPECT_EQ(get_hub("", key_b_).status, 200);
  // Revoking by another account's key prefix finds nothing to revoke.
  const CommandResult cross =
      cli({"keys", "revoke", "--account", "alice@example.com", "--key", key_b_.substr(0, 12)});
  EXPECT_NE(cross.exit_code, 0);
  EXPECT_EQ(get_hub("", key_b_).status, 200);
}

}  // namespace
}  // namespace countryhub::testing
