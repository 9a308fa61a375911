// Every 4xx row of the contract's error table, answered by the real server.
#include "integration/service_fixture.hpp"

namespace countryhub::testing {
namespace {

class ClientErrorsTest : public ServiceTest {
 protected:
  void SetUp() override {
    key_ = account_with_key("dana@example.com", "free");
    start_replaying_service();
  }

  std::string key_;
};

TEST_F(ClientErrorsTest, UnknownCountryIsInvalidCountryCode) {
  const HttpReply reply = get_hub("?country_code=zz", key_);
  EXPECT_EQ(reply.status, 400);
  EXPECT_EQ(error_of(reply), "invalid_country_code");
  EXPECT_FALSE(body_of(reply).at("data").as_object().contains("hint"));
}

TEST_F(ClientErrorsTest, CommonMistakeGetsAHint) {
  const HttpReply reply = get_hub("?country_code=uk", key_);
  EXPECT_EQ(reply.status, 400);
  EXPECT_EQ(error_of(reply), "invalid_country_code");
  EXPECT_EQ(body_of(reply).at("data").at("hint").as_string(), "gb");
}

TEST_F(ClientErrorsTest, ThreeLettersOrEncodedTricksAreInvalidCountryCodes) {
  for (const char* query : {"?country_code=usa", "?country_code=", "?country_code=u%00",
                            "?country_code=%75%73%20", "?country_code=%C3%BCs"}) {
    const HttpReply reply = get_hub(query, key_);
    EXPECT_EQ(reply.status, 400) << query;
    EXPECT_EQ(error_of(reply), "invalid_country_code") << query;
  }
}

TEST_F(ClientErrorsTest, PercentEncodedLettersAreAccepted) {
  const HttpReply reply = get_hub("?country_code=%67%62", key_);
  EXPECT_EQ(reply.status, 200) << reply.body;
}

TEST_F(ClientErrorsTest, OtherQueryParametersAreIgnored) {
  EXPECT_EQ(get_hub("?country_code=us&limit=5&x", key_).status, 200);
}

TEST_F(ClientErrorsTest, DuplicatedCountryIsInvalidRequest) {
  const HttpReply reply = get_hub("?country_code=us&country_code=gb", key_);
  EXPECT_EQ(reply.status, 400);
  EXPECT_EQ(error_of(reply), "invalid_request");
}

TEST_F(ClientErrorsTest, BodyOnGetIsInvalidRequest) {
  const HttpReply reply = http_call(HttpCall{
      "GET", service_->url("/api/v1/spotify/popular-by-country"), {{"x-api-key", key_}}, "{}"});
  EXPECT_EQ(reply.status, 400);
  EXPECT_EQ(error_of(reply), "invalid_request");
}

TEST_F(ClientErrorsTest, OversizedHeaderIsInvalidRequest) {
  const HttpReply reply = get_hub("", key_, {{"X-Padding", std::string(9000, 'a')}});
  EXPECT_EQ(reply.status, 400);
  EXPECT_EQ(body_of(reply).at("data").at("error").as_string(), "invalid_request");
}

TEST_F(ClientErrorsTest, MissingKey) {
  const HttpReply reply = get_hub("", "");
  EXPECT_EQ(reply.status, 401);
  EXPECT_EQ(error_of(reply), "missing_api_key");
}

TEST_F(ClientErrorsTest, MalformedAndUnknownKeysAreInvalid) {
  // One changed character breaks the checksum; a key of another store is
  // well formed but unknown here.
  std::string unknown = key_;
  unknown[10] = unknown[10] == 'a' ? 'b' : 'a';
  for (const std::string& key : {std::string("nonsense"), unknown}) {
    const HttpReply reply = get_hub("", key);
    EXPECT_EQ(reply.status, 401);
    EXPECT_EQ(error_of(reply), "invalid_api_key");
  }
  TempDir other_dir;
  const CommandResult created = run_countryhub(
      {"accounts", "create", "--email", "x@example.com", "--plan", "free", "--database",
       "sqlite:" + (other_dir.path() / "other.db").string()});
  ASSERT_EQ(created.exit_code, 0) << created.err;
  CommandResult other_key = run_countryhub(
      {"keys", "create", "--account", "x@example.com", "--database",
       "sqlite:" + (other_dir.path() / "other.db").string()});
  other_key.out.pop_back();
  const HttpReply reply = get_hub("", other_key.out);
  EXPECT_EQ(reply.status, 401);
  EXPECT_EQ(error_of(reply), "invalid_api_key");
}

TEST_F(ClientErrorsTest, RevokedKey) {
  const CommandResult listed = cli({"keys", "list", "--account", "dana@example.com"});
  ASSERT_EQ(listed.exit_code, 0);
  const CommandResult revoked = cli({"keys", "revoke", "--account", "dana@example.com", "--key",
                                     key_.substr(0, 12)});
  ASSERT_EQ(revoked.exit_code, 0) << revoked.err;
  const HttpReply reply = get_hub("", key_);
  EXPECT_EQ(reply.status, 403);
  EXPECT_EQ(error_of(reply), "key_revoked");
}

TEST_F(ClientErrorsTest, DisabledAccount) {
  ASSERT_EQ(cli({"accounts", "update", "dana@example.com", "--disabled", "on"}).exit_code, 0);
  const HttpReply reply = get_hub("", key_);
  EXPECT_EQ(reply.status, 403);
  EXPECT_EQ(error_of(reply), "account_disabled");
}

TEST_F(ClientErrorsTest, UnknownPathIsNotFound) {
  const HttpReply reply = http_get(service_->url("/api/v1/spotify/unknown"));
  EXPECT_EQ(reply.status, 404);
  EXPECT_EQ(error_of(reply), "not_found");
}

TEST_F(ClientErrorsTest, OtherMethodIsMethodNotAllowed) {
  const HttpReply reply = http_call(
      HttpCall{"DELETE", service_->url("/api/v1/spotify/popular-by-country"), {}, ""});
  EXPECT_EQ(reply.status, 405);
  EXPECT_EQ(error_of(reply), "method_not_allowed");
  EXPECT_EQ(reply.headers.at("allow"), "GET");
}

TEST_F(ClientErrorsTest, ErrorsChargeNothing) {
  get_hub("?country_code=zz", key_);
  get_hub("?country_code=us&country_code=gb", key_);
  const HttpReply success = get_hub("", key_);
  ASSERT_EQ(success.status, 200);
  EXPECT_EQ(success.headers.at("x-credits-remaining"), "1997");
}

}  // namespace
}  // namespace countryhub::testing
