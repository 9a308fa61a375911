#include "spotify/retry_policy.hpp"

#include <algorithm>

#include "spotify/client_defaults.hpp"
#include "spotify/upstream_classifier.hpp"

namespace countryhub::spotify {

CallVerdict judge_call(const FetchResult<HttpResponse>& result, bool expects_json) {
  if (!result) {
    return CallVerdict::kTransport;
  }
  const HttpResponse& response = *result;
  if (response.status == 429) {
    return CallVerdict::kRateLimited;
  }
  if (response.status >= 500) {
    return CallVerdict::kServerError;
  }
  const bool is_success = response.status >= 200 && response.status < 300;
  if (!expects_json) {
    // HTML is the normal answer here, so only a refusal with a block
    // marker, or a 403, is a block.
    const bool is_block = response.status == 403 || has_block_marker(response.body);
    return !is_success && is_block ? CallVerdict::kBlocked : CallVerdict::kAnswered;
  }
  return is_block_response(response) ? CallVerdict::kBlocked : CallVerdict::kAnswered;
}

bool is_breaker_failure(CallVerdict verdict) {
  return verdict == CallVerdict::kServerError || verdict == CallVerdict::kTransport ||
         verdict == CallVerdict::kBlocked;
}

std::int64_t backoff_delay_ms(int retry, std::int64_t base_ms, std::mt19937_64& random) {
  // Doubling stops once the cap is reached, which also keeps the shift small.
  std::int64_t ceiling = std::max<std::int64_t>(0, base_ms);
  for (int step = 1; step < retry && ceiling < kMaxBackoffMs; ++step) {
    ceiling *= 2;
  }
  ceiling = std::min(ceiling, kMaxBackoffMs);
  std::uniform_int_distribution<std::int64_t> pick(0, ceiling);
  return pick(random);
}

std::mt19937_64& thread_random() {
  thread_local std::mt19937_64 random{std::random_device{}()};
  return random;
}

}  // namespace countryhub::spotify
