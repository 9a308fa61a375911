// Encoding tricks in the query string and path: percent encoding, invalid
// UTF-8, control characters and duplicated parameters each get one
// well-defined response that follows the contract.
#include "hostile/hostile_fixture.hpp"

namespace countryhub::testing {
namespace {

class QueryTricksTest : public HostileTest {
 protected:
  void SetUp() override { start_hostile_service(); }

  RawResponse get_with_key(const std::string& target) {
    return exchange(get_request(target, key_header()));
  }
};

struct QueryCase {
  std::string query;
  int status;
  std::string error_or_country;  // data.error of an error, data.countryCode of a 200
};

TEST_F(QueryTricksTest, EachTrickGetsOneDefinedAnswer) {
  const std::vector<QueryCase> cases = {
      {"?country_code=%75%73", 200, "US"},
      {"?country_code=%55%53", 200, "US"},
      {"?country_code=g%62", 200, "GB"},
      {"?country%5Fcode=gb", 200, "GB"},
      {"?&&country_code=gb&&", 200, "GB"},
      {"?country_code=us&COUNTRY_CODE=gb", 200, "US"},
      {"?country_code%3Dgb", 200, "US"},
      {"?country_code=gb&pad=" + std::string(6000, 'a'), 200, "GB"},
      // Decoded once only: a doubly encoded value stays "%75%73".
      {"?country_code=%2575%2573", 400, "invalid_country_code"},
      {"?country_code=%EF%BC%B5%EF%BC%B3", 400, "invalid_country_code"},  // full-width "ＵＳ"
      {"?country_code=%C0%B5%C0%B3", 400, "invalid_country_code"},        // overlong UTF-8
      {"?country_code=%FFus", 400, "invalid_country_code"},
      {"?country_code=us%00", 400, "invalid_country_code"},
      {"?country_code=u%0As", 400, "invalid_country_code"},
      {"?country_code=%1B%5B31mus", 400, "invalid_country_code"},
      {"?country_code=+us", 400, "invalid_country_code"},
      {"?country_code=%20us", 400, "invalid_country_code"},
      {"?country_code=gb;country_code=us", 400, "invalid_country_code"},
      {"?country_code=us%26country_code=gb", 400, "invalid_country_code"},
      {"?country_code", 400, "invalid_country_code"},
      {"?country_code=%7", 400, "invalid_request"},
      {"?country_code=%GG", 400, "invalid_request"},
      {"?country_code=%u0075s", 400, "invalid_request"},
      {"?country_code=us&country_code=us", 400, "invalid_request"},
      {"?country_code=us&country%5Fcode=gb", 400, "invalid_request"},
      {"?country_code=gb#fragment", 400, "invalid_request"},
      {"?country_code=gb&max_age=abc", 400, "invalid_request"},
      {"?max_age=1&max_age=2", 400, "invalid_request"},
  };
  for (const QueryCase& test : cases) {
    const RawResponse reply = get_with_key(std::string(kDataPath) + test.query);
    ASSERT_EQ(reply.status, test.status) << test.query << ": " << reply.body;
    EXPECT_TRUE(follows_contract(reply)) << test.query;
    const std::string field =
        reply.status == 200 ? data_string(reply, "countryCode") : error_code_of(reply);
    EXPECT_EQ(field, test.error_or_country) << test.query;
  }
}

TEST_F(QueryTricksTest, EchoedValuesAreSanitized) {
  for (const std::string query : {"%00%01%1B%7F", "%FF%FE", "%E2%80%AE", "%22%5C%0D%0A"}) {
    const RawResponse reply = get_with_key(std::string(kDataPath) + "?country_code=" + query);
    ASSERT_EQ(reply.status, 400) << query;
    EXPECT_TRUE(follows_contract(reply)) << query;
    const std::string message = message_of(reply);
    for (const char c : message) {
      EXPECT_GE(static_cast<unsigned char>(c), 0x20) << query;
      EXPECT_NE(c, '\x7f') << query;
    }
  }
}

TEST_F(QueryTricksTest, EncodedPathsGetContractAnswers) {
  const std::vector<std::string> paths = {"/%FF%FE",
                                          "/api/v1/spotify/popular-by-country%00",
                                          "/api/v1/%2e%2e/healthz",
                                          "/api/v1/spotify/../spotify/popular-by-country",
                                          "//api/v1/spotify/popular-by-country",
                                          "/" + std::string(6000, 'p'),
                                          "/api/v1/spotify%2Fpopular-by-country",
                                          "/api/v1/account%2fusage"};
  for (const std::string& path : paths) {
    const RawResponse reply = get_with_key(path);
    EXPECT_EQ(reply.status, 404) << path;
    EXPECT_TRUE(follows_contract(reply)) << path;
    EXPECT_LT(reply.body.size(), 1024u) << path;
  }
}

TEST_F(QueryTricksTest, EncodedUnreservedPathStillRoutes) {
  // %2D is '-', which RFC 3986 makes equal to its encoding, unlike %2F.
  const RawResponse reply = get_with_key("/api/v1/spotify/popular%2Dby-country?country_code=gb");
  EXPECT_EQ(reply.status, 200);
  EXPECT_EQ(data_string(reply, "countryCode"), "GB");
}

TEST_F(QueryTricksTest, ManyParametersAreServed) {
  std::string query = "?";
  for (int i = 0; i < 600; ++i) {
    query += "p" + std::to_string(i) + "=v&";
  }
  const RawResponse reply = get_with_key(std::string(kDataPath) + query + "country_code=gb");
  EXPECT_EQ(reply.status, 200);
  EXPECT_EQ(data_string(reply, "countryCode"), "GB");
}

TEST_F(QueryTricksTest, HostileIdempotencyKeys) {
  for (const std::string key : {std::string(256, 'i'), std::string("a\x01"), std::string("\xff")}) {
    const RawResponse reply =
        exchange(get_request(std::string(kDataPath) + "?country_code=gb",
                             key_header() + "Idempotency-Key: " + key + "\r\n"));
    EXPECT_EQ(reply.status, 400) << key;
    EXPECT_TRUE(follows_contract(reply)) << key;
  }
  // SQL metacharacters are an ordinary key: stored and replayed as such.
  const std::string quoted = "');DELETE/**/FROM/**/usage_daily;--\"";
  const std::string request = get_request(std::string(kDataPath) + "?country_code=gb",
                                          key_header() + "Idempotency-Key: " + quoted + "\r\n");
  const RawResponse first = exchange(request);
  const RawResponse repeat = exchange(request);
  EXPECT_EQ(first.status, 200);
  EXPECT_EQ(repeat.status, 200);
  EXPECT_EQ(repeat.header("idempotent-replayed"), "true");
  EXPECT_EQ(repeat.header("x-credits-charged"), "0");
  const RawResponse usage = exchange(get_request("/api/v1/account/usage", key_header()));
  EXPECT_NE(usage.body.find("\"used\":3"), std::string::npos) << usage.body;
}

}  // namespace
}  // namespace countryhub::testing
