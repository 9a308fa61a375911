#include <string>

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include "spotify/client_token.hpp"
#include "spotify/token_sources.hpp"
#include "spotify/url_building.hpp"

namespace countryhub::spotify {
namespace {

constexpr std::int64_t kNowMs = 1'780'669'380'000;

TEST(FindNextData, ReturnsScriptText) {
  const std::string page =
      R"(<html><head><script id="__NEXT_DATA__" type="application/json">{"a":1}</script>)"
      R"(<script>var x = 1;</script></head></html>)";
  const auto data = find_next_data(page);
  ASSERT_TRUE(data.has_value());
  EXPECT_EQ(*data, R"({"a":1})");
}

TEST(FindNextData, AcceptsAttributesInAnyOrder) {
  const std::string page =
      R"(<script type="application/json" id="__NEXT_DATA__" nonce="n">{"b":2}</script>)";
  EXPECT_EQ(find_next_data(page).value_or(""), R"({"b":2})");
}

TEST(FindNextData, MissingOrUnclosedScript) {
  EXPECT_FALSE(find_next_data("<html><body>Error 403 URL Blocked</body></html>").has_value());
  EXPECT_FALSE(find_next_data(R"(<script id="__NEXT_DATA__">{"a":1})").has_value());
  EXPECT_FALSE(find_next_data(R"(<p>id="__NEXT_DATA__"</p>)").has_value());
}

TEST(ReadTokenObject, ReadsTokenExpiryAndClientId) {
  const auto json = boost::json::parse(
      R"({"clientId":"d8a5ed958d274c2e8ee717e6a4b0971d","accessToken":"BQA-token",)"
      R"("accessTokenExpirationTimestampMs":1780672980000,"isAnonymous":true})");
  const auto token = read_token_object(json, "token", kNowMs);
  ASSERT_TRUE(token.has_value()) << token.error().detail;
  EXPECT_EQ(token->access_token, "BQA-token");
  EXPECT_EQ(token->client_id, "d8a5ed958d274c2e8ee717e6a4b0971d");
  EXPECT_EQ(token->expires_at_ms, 1780672980000);
  EXPECT_EQ(token->obtained_at_ms, kNowMs);
}

TEST(ReadTokenObject, MissingExpiryGivesFiveMinutes) {
  const auto token =
      read_token_object(boost::json::parse(R"({"accessToken":"t"})"), "embed", kNowMs);
  ASSERT_TRUE(token.has_value());
  EXPECT_EQ(token->expires_at_ms, kNowMs + 300'000);
  EXPECT_TRUE(token->client_id.empty());
}

TEST(ReadTokenObject, MissingOrEmptyTokenIsAuthFailure) {
  for (const char* body : {R"({"accessToken":""})", R"({"isAnonymous":true})", "[]", "null"}) {
    const auto token = read_token_object(boost::json::parse(body), "token", kNowMs);
    ASSERT_TRUE(token.has_error()) << body;
    EXPECT_EQ(token.error().kind, Error::kAuthFailed) << body;
    EXPECT_EQ(token.error().stage, Stage::kToken) << body;
  }
}

TEST(ClientTokenRequest, CarriesVersionClientIdAndDevice) {
  const auto json = boost::json::parse(build_client_token_request("1.2.93.74", "abc", "d1"));
  const auto& data = json.at("client_data");
  EXPECT_EQ(data.at("client_version").as_string(), "1.2.93.74");
  EXPECT_EQ(data.at("client_id").as_string(), "abc");
  EXPECT_EQ(data.at("js_sdk_data").at("device_id").as_string(), "d1");
  EXPECT_EQ(data.at("js_sdk_data").at("device_type").as_string(), "computer");
}

HttpResponse json_answer(std::string body) {
  HttpResponse response;
  response.status = 200;
  response.content_type = "application/json";
  response.body = std::move(body);
  return response;
}

TEST(ClientTokenResponse, ReadsGrantedToken) {
  const auto token = read_client_token_response(
      json_answer(R"({"response_type":"RESPONSE_GRANTED_TOKEN_RESPONSE","granted_token":)"
                  R"({"token":"AAC-token","expires_after_seconds":1216800,)"
                  R"("refresh_after_seconds":1209600,"domains":[]}})"),
      "abc", kNowMs);
  ASSERT_TRUE(token.has_value()) << token.error().detail;
  EXPECT_EQ(token->token, "AAC-token");
  EXPECT_EQ(token->client_id, "abc");
  EXPECT_EQ(token->refresh_at_ms, kNowMs + 1'209'600'000);
}

TEST(ClientTokenResponse, ChallengeIsAuthFailure) {
  const auto token = read_client_token_response(
      json_answer(R"({"response_type":"RESPONSE_CHALLENGES_RESPONSE","challenges":{}})"), "abc",
      kNowMs);
  ASSERT_TRUE(token.has_error());
  EXPECT_EQ(token.error().kind, Error::kAuthFailed);
  EXPECT_EQ(token.error().stage, Stage::kClientToken);
}

TEST(ClientTokenResponse, HtmlIsHtmlPage) {
  HttpResponse page = json_answer("<html>blocked</html>");
  page.content_type = "text/html";
  const auto token = read_client_token_response(page, "abc", kNowMs);
  ASSERT_TRUE(token.has_error());
  EXPECT_EQ(token.error().kind, Error::kHtmlPage);
}

TEST(UrlBuilding, JoinsWithoutDoubleSlash) {
  EXPECT_EQ(join_url("http://127.0.0.1:8080/", "/api/token"), "http://127.0.0.1:8080/api/token");
  EXPECT_EQ(join_url("https://open.spotify.com", "/api/token"),
            "https://open.spotify.com/api/token");
}

TEST(UrlBuilding, PercentEncodesReservedBytes) {
  EXPECT_EQ(percent_encode(R"({"countryCode":"US"})"), "%7B%22countryCode%22%3A%22US%22%7D");
  EXPECT_EQ(percent_encode("web_player-1.~"), "web_player-1.~");
  EXPECT_EQ(percent_encode("a b\xC3\xA9"), "a%20b%C3%A9");
}

}  // namespace
}  // namespace countryhub::spotify
