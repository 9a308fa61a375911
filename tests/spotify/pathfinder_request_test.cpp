#include <algorithm>
#include <string>

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include "spotify/pathfinder_call.hpp"

namespace countryhub::spotify {
namespace {

const std::string kFirst(64, 'a');
const std::string kSecond(64, 'b');

ClientConfig test_config() {
  ClientConfig config;
  config.web_url = "http://127.0.0.1:9/";
  config.api_url = "http://127.0.0.1:9";
  config.app_version = "1.2.93.74.g96d1110e";
  return config;
}

bool has_header(const HttpRequest& request, const std::string& line) {
  return std::find(request.headers.begin(), request.headers.end(), line) != request.headers.end();
}

bool has_header_named(const HttpRequest& request, const std::string& name) {
  return std::any_of(request.headers.begin(), request.headers.end(),
                     [&](const std::string& header) { return header.starts_with(name + ":"); });
}

TEST(PlanRoutes, TriesV2HashesThenV1Hashes) {
  const auto routes = plan_routes({kFirst, kSecond}, std::nullopt);
  ASSERT_EQ(routes.size(), 4u);
  EXPECT_EQ(routes[0], (QueryRoute{QueryForm::kV2Post, kFirst}));
  EXPECT_EQ(routes[1], (QueryRoute{QueryForm::kV2Post, kSecond}));
  EXPECT_EQ(routes[2], (QueryRoute{QueryForm::kV1Get, kFirst}));
  EXPECT_EQ(routes[3], (QueryRoute{QueryForm::kV1Get, kSecond}));
}

TEST(PlanRoutes, WorkingRouteFirstAndNotRepeated) {
  const auto routes = plan_routes({kFirst, kSecond}, QueryRoute{QueryForm::kV1Get, kSecond});
  ASSERT_EQ(routes.size(), 4u);
  EXPECT_EQ(routes[0], (QueryRoute{QueryForm::kV1Get, kSecond}));
  EXPECT_EQ(routes[1], (QueryRoute{QueryForm::kV2Post, kFirst}));
  EXPECT_EQ(routes[3], (QueryRoute{QueryForm::kV1Get, kFirst}));
}

TEST(BuildHubRequest, V2PostCarriesPersistedQuery) {
  const HttpRequest request =
      build_hub_request(test_config(), {QueryForm::kV2Post, kFirst}, "US", "bearer-1", "ct-1");
  EXPECT_EQ(request.method, "POST");
  EXPECT_EQ(request.url, "http://127.0.0.1:9/pathfinder/v2/query");
  const auto body = boost::json::parse(request.body);
  EXPECT_EQ(body.at("operationName").as_string(), "countryHubsPage");
  EXPECT_EQ(body.at("variables").at("countryCode").as_string(), "US");
  EXPECT_EQ(body.at("extensions").at("persistedQuery").at("version").as_int64(), 1);
  EXPECT_EQ(body.at("extensions").at("persistedQuery").at("sha256Hash").as_string(), kFirst);
  EXPECT_TRUE(has_header(request, "authorization: Bearer bearer-1"));
  EXPECT_TRUE(has_header(request, "client-token: ct-1"));
  EXPECT_TRUE(has_header(request, "app-platform: WebPlayer"));
  EXPECT_TRUE(has_header(request, "spotify-app-version: 1.2.93.74.g96d1110e"));
  EXPECT_TRUE(has_header(request, "content-type: application/json;charset=UTF-8"));
  EXPECT_TRUE(has_header(request, "origin: http://127.0.0.1:9"));
}

TEST(BuildHubRequest, V1GetEncodesQueryString) {
  const HttpRequest request =
      build_hub_request(test_config(), {QueryForm::kV1Get, kSecond}, "GB", "bearer-2", "");
  EXPECT_EQ(request.method, "GET");
  EXPECT_TRUE(request.body.empty());
  EXPECT_TRUE(request.url.starts_with(
      "http://127.0.0.1:9/pathfinder/v1/query?operationName=countryHubsPage&variables="
      "%7B%22countryCode%22%3A%22GB%22%7D&extensions="))
      << request.url;
  EXPECT_NE(request.url.find(kSecond), std::string::npos);
  EXPECT_FALSE(has_header_named(request, "client-token"));
  EXPECT_FALSE(has_header_named(request, "content-type"));
}

}  // namespace
}  // namespace countryhub::spotify
