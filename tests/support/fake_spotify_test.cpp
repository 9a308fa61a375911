#include "support/fake_spotify.hpp"

#include <curl/curl.h>
#include <gtest/gtest.h>
#include <strings.h>

#include <chrono>
#include <memory>
#include <stdexcept>
#include <string>

#include <boost/json.hpp>

namespace countryhub::testing {
namespace {

struct Reply {
  CURLcode code = CURLE_OK;
  long status = 0;
  std::string body;
  std::string retry_after;  // value of the Retry-After header, empty if absent
};

std::size_t append_body(char* data, std::size_t size, std::size_t count, void* target) {
  static_cast<std::string*>(target)->append(data, size * count);
  return size * count;
}

std::size_t read_retry_after(char* data, std::size_t size, std::size_t count, void* target) {
  const std::string line(data, size * count);
  const std::string name = "retry-after:";
  if (line.size() > name.size() && strncasecmp(line.c_str(), name.c_str(), name.size()) == 0) {
    const auto first = line.find_first_not_of(' ', name.size());
    const auto last = line.find_last_not_of("\r\n ");
    *static_cast<std::string*>(target) = line.substr(first, last - first + 1);
  }
  return size * count;
}

// Sends one request the way a Spotify client would; a POST when `body` is
// given. Transport failures come back in `code`, with status 0.
Reply fetch(const std::string& url, const std::string* body = nullptr,
            const std::string& bearer = "", long timeout_ms = 10000) {
  Reply reply;
  std::unique_ptr<CURL, decltype(&curl_easy_cleanup)> handle(curl_easy_init(),
                                                            &curl_easy_cleanup);
  curl_slist* headers = curl_slist_append(nullptr, "Content-Type: application/json");
  if (!bearer.empty()) {
    headers = curl_slist_append(headers, ("Authorization: Bearer " + bearer).c_str());
  }
  CURL* curl = handle.get();
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_PROXY, "");
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, timeout_ms);
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, append_body);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &reply.body);
  curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, read_retry_after);
  curl_easy_setopt(curl, CURLOPT_HEADERDATA, &reply.retry_after);
  if (body != nullptr) {
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body->c_str());
  }
  reply.code = curl_easy_perform(curl);
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &reply.status);
  curl_slist_free_all(headers);
  return reply;
}

std::string hub_request(std::string_view country) {
  return R"({"variables":{"countryCode":")" + std::string(country) +
         R"("},"operationName":"countryHubsPage","extensions":{"persistedQuery":)"
         R"({"version":1,"sha256Hash":"6c2e4b04d8836507c2ad09c954f27a6c98d8b0a761f99ef6f4dc9bbe7834ba55"}}})";
}

// Takes the access token out of the embed page's __NEXT_DATA__ script.
std::string embed_token(const std::string& page) {
  const std::string start_tag = R"(<script id="__NEXT_DATA__" type="application/json">)";
  const auto start = page.find(start_tag);
  const auto end = page.find("</script>", start);
  if (start == std::string::npos || end == std::string::npos) {
    throw std::runtime_error("embed page has no __NEXT_DATA__ script");
  }
  const auto data = boost::json::parse(
      page.substr(start + start_tag.size(), end - start - start_tag.size()));
  return std::string(data.at_pointer("/props/pageProps/state/settings/session/accessToken")
                         .as_string());
}

class FakeSpotifyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    curl_global_init(CURL_GLOBAL_DEFAULT);
    fake_ = FakeSpotify::start(std::string(COUNTRYHUB_FIXTURES_DIR) + "/composed");
  }

  std::string url(std::string_view path) const { return fake_->base_url() + std::string(path); }

  std::unique_ptr<FakeSpotify> fake_;
};

TEST_F(FakeSpotifyTest, ServesServerTime) {
  const Reply reply = fetch(url("/api/server-time"));
  ASSERT_EQ(reply.code, CURLE_OK);
  EXPECT_EQ(reply.status, 200);
  EXPECT_GT(boost::json::parse(reply.body).at("serverTime").as_int64(), 0);
  EXPECT_EQ(fake_->calls("server_time"), 1);
}

TEST_F(FakeSpotifyTest, RateLimitFaultHitsOnce) {
  fake_->add_fault(R"({"endpoint":"server_time","kind":"rate_limited","retry_after":86400})");
  const Reply limited = fetch(url("/api/server-time"));
  EXPECT_EQ(limited.status, 429);
  EXPECT_EQ(limited.retry_after, "86400");
  EXPECT_EQ(fetch(url("/api/server-time")).status, 200);
  EXPECT_EQ(fake_->calls("server_time"), 2);
}

TEST_F(FakeSpotifyTest, PathfinderServesHubToEmbedToken) {
  const Reply page = fetch(url("/embed/track/4uLU6hMCjMI75M1A2tKUQC"));
  ASSERT_EQ(page.status, 200);
  const std::string body = hub_request("US");
  const Reply hub = fetch(url("/pathfinder/v2/query"), &body, embed_token(page.body));
  ASSERT_EQ(hub.status, 200);
  const auto country = boost::json::parse(hub.body).at_pointer("/data/countryHub/country");
  EXPECT_EQ(country.at("isoCountryCode").as_string(), "US");
  const boost::json::object calls = fake_->calls();
  EXPECT_EQ(calls.at("pathfinder_v2").as_int64(), 1);
  EXPECT_EQ(calls.at("pathfinder").as_int64(), 1);
  EXPECT_EQ(calls.at("last_pathfinder").at("country").as_string(), "US");
}

TEST_F(FakeSpotifyTest, PathfinderRejectsUnknownToken) {
  const std::string body = hub_request("US");
  const Reply reply = fetch(url("/pathfinder/v2/query"), &body, "never-issued");
  EXPECT_EQ(reply.status, 401);
  EXPECT_TRUE(reply.body.empty());
}

TEST_F(FakeSpotifyTest, HtmlBlockFaultOnPathfinder) {
  fake_->add_fault(R"({"endpoint":"pathfinder","kind":"html_block"})");
  const std::string body = hub_request("US");
  const Reply reply = fetch(url("/pathfinder/v2/query"), &body, "never-issued");
  EXPECT_EQ(reply.status, 403);
  EXPECT_NE(reply.body.find("URL Blocked"), std::string::npos);
}

TEST_F(FakeSpotifyTest, TimeoutFaultOutlastsClient) {
  fake_->add_fault(R"({"endpoint":"server_time","kind":"timeout","delay_ms":5000})");
  const Reply reply = fetch(url("/api/server-time"), nullptr, "", 300);
  EXPECT_EQ(reply.code, CURLE_OPERATION_TIMEDOUT);
}

TEST_F(FakeSpotifyTest, ResetClearsCountersAndFaults) {
  fake_->add_fault(R"({"endpoint":"server_time","kind":"status","count":-1})");
  EXPECT_EQ(fetch(url("/api/server-time")).status, 500);
  fake_->reset();
  EXPECT_EQ(fake_->calls("server_time"), 0);
  EXPECT_EQ(fetch(url("/api/server-time")).status, 200);
}

TEST_F(FakeSpotifyTest, ConfigureAppliesLatency) {
  fake_->configure(R"({"latency_ms": 100})");
  const auto started = std::chrono::steady_clock::now();
  EXPECT_EQ(fetch(url("/api/server-time")).status, 200);
  EXPECT_GE(std::chrono::steady_clock::now() - started, std::chrono::milliseconds(100));
}

TEST_F(FakeSpotifyTest, ControlErrorsThrow) {
  EXPECT_THROW(fake_->configure(R"({"latency_ms": -1})"), std::runtime_error);
  EXPECT_THROW(fake_->add_fault(R"({"endpoint":"token","kind":"explode"})"), std::runtime_error);
  EXPECT_THROW(fake_->calls("no_such_endpoint"), std::runtime_error);
}

TEST_F(FakeSpotifyTest, DestructorStopsServer) {
  const std::string server_time_url = url("/api/server-time");
  fake_.reset();
  EXPECT_EQ(fetch(server_time_url).code, CURLE_COULDNT_CONNECT);
}

TEST(FakeSpotifyStart, ThrowsWithoutFixtures) {
  EXPECT_THROW(FakeSpotify::start("/nonexistent/fixtures"), std::runtime_error);
}

}  // namespace
}  // namespace countryhub::testing
