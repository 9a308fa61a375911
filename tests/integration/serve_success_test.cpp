#include <set>

#include "integration/service_fixture.hpp"

namespace countryhub::testing {
namespace {

class ServeSuccessTest : public ServiceTest {};

TEST_F(ServeSuccessTest, ServesTheUsHubWithEveryContractField) {
  const std::string key = account_with_key("ana@example.com", "free");
  start_replaying_service();

  const HttpReply reply = get_hub("?country_code=US", key, {{"X-Request-Id", "trace-42"}});

  ASSERT_EQ(reply.status, 200) << reply.body;
  EXPECT_EQ(reply.headers.at("content-type"), "application/json; charset=utf-8");
  EXPECT_EQ(reply.headers.at("x-request-id"), "trace-42");
  EXPECT_EQ(reply.headers.at("x-credits-charged"), "3");
  EXPECT_EQ(reply.headers.at("x-credits-remaining"), "1997");
  const auto body = body_of(reply);
  EXPECT_EQ(body.at("code").as_int64(), 200);
  EXPECT_EQ(body.at("msg").as_string(), "Request successful");
  const auto& data = body.at("data").as_object();
  EXPECT_EQ(data.at("countryCode").as_string(), "US");
  EXPECT_EQ(data.at("countryName").as_string(), "United States");
  EXPECT_EQ(data.at("hexColor").as_string(), "#1E3264");
  EXPECT_EQ(data.at("supportedCountries").as_array().size(), 184u);

  const auto& sections = data.at("sections").as_array();
  std::vector<std::string> ids;
  std::int64_t items = 0;
  for (const auto& section : sections) {
    ids.emplace_back(section.at("contentId").as_string());
    EXPECT_FALSE(section.at("title").as_string().empty());
    items += static_cast<std::int64_t>(section.at("items").as_array().size());
    for (const auto& item : section.at("items").as_array()) {
      EXPECT_TRUE(item.as_object().contains("uri"));
      EXPECT_TRUE(item.as_object().contains("type"));
    }
  }
  EXPECT_EQ(ids, (std::vector<std::string>{"CHARTS", "POPULAR_ALBUMS", "POPULAR_ARTISTS",
                                           "TRENDING_SONGS"}));

  const auto& meta = data.at("meta").as_object();
  EXPECT_EQ(meta.at("operationName").as_string(), "countryHubsPage");
  EXPECT_FALSE(meta.at("appVersion").as_string().empty());
  EXPECT_EQ(meta.at("sectionCount").as_int64(), 4);
  EXPECT_EQ(meta.at("itemCount").as_int64(), items);
  EXPECT_TRUE(meta.at("droppedItemCount").is_int64());
  EXPECT_TRUE(meta.at("partialErrors").as_array().empty());
  EXPECT_EQ(meta.at("requestId").as_string(), "trace-42");
  EXPECT_EQ(meta.at("cache").at("status").as_string(), "miss");
  EXPECT_EQ(meta.at("fetchedAt").as_string().size(), 24u);  // 2026-12-04T15:07:33.120Z
}

TEST_F(ServeSuccessTest, DefaultsAndBearerKeys) {
  const std::string key = account_with_key("ben@example.com", "starter");
  start_replaying_service();

  const HttpReply by_default = get_hub("", key);
  ASSERT_EQ(by_default.status, 200) << by_default.body;
  EXPECT_EQ(body_of(by_default).at("data").at("countryCode").as_string(), "US");

  const HttpReply bearer = http_get(service_->url("/api/v1/spotify/popular-by-country?country_code=gB"),
                                    {{"Authorization", "Bearer " + key}});
  ASSERT_EQ(bearer.status, 200) << bearer.body;
  EXPECT_EQ(body_of(bearer).at("data").at("countryCode").as_string(), "GB");
  EXPECT_EQ(bearer.headers.at("x-credits-remaining"), std::to_string(20000 - 6));
}

TEST_F(ServeSuccessTest, GzipAnswerDecodesToTheSameHub) {
  const std::string key = account_with_key("gia@example.com", "starter");
  start_replaying_service();
  const HttpReply plain = get_hub("", key, {{"X-Request-Id", "same-id"}});

  HttpCall call{"GET", service_->url("/api/v1/spotify/popular-by-country"),
                {{"x-api-key", key}, {"X-Request-Id", "same-id"}}};
  call.decoded_encoding = "gzip";
  const HttpReply decoded = http_call(call);
  const HttpReply raw = get_hub("", key, {{"Accept-Encoding", "gzip"}});

  ASSERT_EQ(decoded.status, 200);
  EXPECT_EQ(decoded.headers.at("content-encoding"), "gzip");
  EXPECT_EQ(decoded.headers.at("vary"), "Accept-Encoding");
  auto plain_data = body_of(plain).at("data").as_object();
  auto decoded_data = body_of(decoded).at("data").as_object();
  // The second response is a cache hit, so only the cache state differs.
  plain_data["meta"].as_object().erase("cache");
  decoded_data["meta"].as_object().erase("cache");
  EXPECT_EQ(plain_data, decoded_data);
  EXPECT_EQ(raw.body.substr(0, 2), "\x1f\x8b");
  EXPECT_LT(raw.body.size(), plain.body.size() / 3);
  EXPECT_EQ(plain.headers.count("content-encoding"), 0u);
}

TEST_F(ServeSuccessTest, UnsafeRequestIdIsReplaced) {
  const std::string key = account_with_key("cy@example.com", "free");
  start_replaying_service();

  const HttpReply reply = get_hub("", key, {{"X-Request-Id", "bad id with spaces"}});

  ASSERT_EQ(reply.status, 200);
  const std::string id = reply.headers.at("x-request-id");
  EXPECT_NE(id, "bad id with spaces");
  EXPECT_EQ(body_of(reply).at("data").at("meta").at("requestId").as_string(), id);
}

TEST_F(ServeSuccessTest, OperationsEndpointsNeedNoKeyAndChargeNothing) {
  start_replaying_service();

  EXPECT_EQ(http_get(service_->url("/healthz")).status, 200);
  const HttpReply ready = http_get(service_->url("/readyz"));
  EXPECT_EQ(ready.status, 200);
  EXPECT_EQ(body_of(ready).at("data").at("store").as_string(), "ok");
  const HttpReply metrics = http_get(service_->url("/metrics"));
  EXPECT_EQ(metrics.status, 200);
  EXPECT_NE(metrics.body.find("countryhub_http_requests_total"), std::string::npos);
  const HttpReply openapi = http_get(service_->url("/openapi.json"));
  EXPECT_EQ(openapi.status, 200);
  EXPECT_EQ(body_of(openapi).at("openapi").as_string(), "3.1.0");
}

TEST_F(ServeSuccessTest, SigtermStopsTheServerCleanly) {
  start_replaying_service();
  ASSERT_EQ(http_get(service_->url("/healthz")).status, 200);

  EXPECT_EQ(service_->stop(), 0);
  EXPECT_NE(service_->log().find("server_stopped"), std::string::npos);
}

}  // namespace
}  // namespace countryhub::testing
