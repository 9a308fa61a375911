#include "spotify/retry_policy.hpp"

#include <algorithm>
#include <random>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "spotify/client_defaults.hpp"
#include "support/fixtures.hpp"

namespace countryhub::spotify {
namespace {

using countryhub::testing::read_fixture;

FetchResult<HttpResponse> answer(int status, std::string body, std::string content_type = "") {
  HttpResponse response;
  response.status = status;
  response.body = std::move(body);
  response.content_type = std::move(content_type);
  return response;
}

struct VerdictCase {
  std::string name;
  FetchResult<HttpResponse> result;
  bool expects_json;
  CallVerdict verdict;
};

TEST(JudgeCall, ClassifiesOutcomes) {
  const FetchFailure no_answer{Error::kTransport, Stage::kPathfinder, "refused"};
  const std::vector<VerdictCase> cases = {
      {"hub", answer(200, R"({"data":{}})", "application/json"), true, CallVerdict::kAnswered},
      {"transport", no_answer, true, CallVerdict::kTransport},
      {"503", answer(503, R"({"error":{}})"), true, CallVerdict::kServerError},
      {"502 html", answer(502, "<html>bad gateway</html>", "text/html"), true,
       CallVerdict::kServerError},
      {"429", answer(429, ""), true, CallVerdict::kRateLimited},
      {"401", answer(401, ""), true, CallVerdict::kAnswered},
      {"400 json", answer(400, R"({"error":{"code":400}})"), true, CallVerdict::kAnswered},
      {"403 json", answer(403, R"({"error":"RBAC: access denied"})"), true, CallVerdict::kAnswered},
      {"403 block page", answer(403, read_fixture("composed/block_page.html"), "text/html"), true,
       CallVerdict::kBlocked},
      {"403 plain text", answer(403, "Forbidden by policy"), true, CallVerdict::kBlocked},
      {"200 captcha", answer(200, read_fixture("composed/captcha_page.html"), "text/html"), true,
       CallVerdict::kBlocked},
      {"200 page", answer(200, "<html><body>player</body></html>", "text/html"), false,
       CallVerdict::kAnswered},
      {"404 page", answer(404, "<html>not found</html>", "text/html"), false,
       CallVerdict::kAnswered},
      {"403 page", answer(403, read_fixture("composed/block_page.html"), "text/html"), false,
       CallVerdict::kBlocked},
  };
  for (const VerdictCase& test : cases) {
    EXPECT_EQ(judge_call(test.result, test.expects_json), test.verdict) << test.name;
  }
}

TEST(BreakerFailure, CountsOnlyUnhealthyAnswers) {
  EXPECT_TRUE(is_breaker_failure(CallVerdict::kTransport));
  EXPECT_TRUE(is_breaker_failure(CallVerdict::kServerError));
  EXPECT_TRUE(is_breaker_failure(CallVerdict::kBlocked));
  EXPECT_FALSE(is_breaker_failure(CallVerdict::kRateLimited));
  EXPECT_FALSE(is_breaker_failure(CallVerdict::kAnswered));
}

TEST(BackoffDelay, StaysWithinDoublingCeiling) {
  std::mt19937_64 random(7);
  for (int retry = 1; retry <= 4; ++retry) {
    const std::int64_t ceiling = 100LL << (retry - 1);
    std::int64_t largest = 0;
    for (int sample = 0; sample < 2000; ++sample) {
      const std::int64_t delay = backoff_delay_ms(retry, 100, random);
      ASSERT_GE(delay, 0);
      ASSERT_LE(delay, ceiling) << "retry " << retry;
      largest = std::max(largest, delay);
    }
    // Full jitter spreads over the whole range, not just near the ceiling.
    EXPECT_GT(largest, ceiling / 2) << "retry " << retry;
  }
}

TEST(BackoffDelay, IsCappedForLateRetries) {
  std::mt19937_64 random(11);
  for (int sample = 0; sample < 2000; ++sample) {
    ASSERT_LE(backoff_delay_ms(60, 1000, random), kMaxBackoffMs);
  }
}

TEST(BackoffDelay, IsRandomized) {
  std::mt19937_64 random(3);
  std::vector<std::int64_t> delays;
  for (int sample = 0; sample < 20; ++sample) {
    delays.push_back(backoff_delay_ms(3, 200, random));
  }
  std::sort(delays.begin(), delays.end());
  EXPECT_GT(std::unique(delays.begin(), delays.end()) - delays.begin(), 10);
}

}  // namespace
}  // namespace countryhub::spotify
