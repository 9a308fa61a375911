#pragma once

#include <optional>
#include <string_view>

#include "billing/access.hpp"
#include "billing/ledger.hpp"
#include "billing/minute_limiter.hpp"
#include "cache/hub_cache.hpp"
#include "http/idempotency.hpp"
#include "http/message.hpp"
#include "http/query.hpp"
#include "spotify/hub_client.hpp"

namespace countryhub::http {

inline constexpr std::string_view kPopularPath = "/api/v1/spotify/popular-by-country";

// The billing services a keyed endpoint needs.
struct Billing {
  billing::Access& access;
  billing::MinuteLimiter& limiter;
  billing::CreditLedger& ledger;
  common::Clock clock;
};

// What a keyed request learned about its caller, for the RateLimit headers
// of whatever response it ends with.
struct CallerState {
  std::optional<billing::Caller> caller;
  std::optional<billing::MinuteDecision> minute;
};

// Authenticates the request's key and counts it against the account's
// per-minute limit. Fails with the 401, 403 or 429 to send.
ApiResult<billing::Caller> admit_caller(Billing& billing, const Request& request,
                                        const RequestContext& context, CallerState& state);

// Adds RateLimit-Policy and RateLimit to `response` when the caller is known.
void add_limit_headers(Billing& billing, const CallerState& state, Response& response);

// Answers the data endpoint: checks the request, admits the caller,
// validates the country, replays an idempotent repeat, reserves credits,
// gets the hub from the cache (which fetches it when needed) and commits 3
// credits durably before the 200 leaves.
// Failures charge nothing. Blocking (store and upstream I/O); thread-safe.
class PopularHandler {
 public:
  PopularHandler(Billing& billing, cache::HubCache& hubs, IdempotencyGate& idempotency)
      : billing_(billing), hubs_(hubs), idempotency_(idempotency) {}

  Response handle(const Request& request, const Target& target, const RequestContext& context);

 private:
  ApiResult<Response> serve(const Request& request, const Target& target,
                            const RequestContext& context, CallerState& state);
  ApiResult<Response> fetch_and_charge(const Request& request, const billing::Caller& caller,
                                       const spotify::Country& country,
                                       const RequestContext& context,
                                       std::optional<std::int64_t> max_age_seconds,
                                       const std::string& idempotency_key);

  Billing& billing_;
  cache::HubCache& hubs_;
  IdempotencyGate& idempotency_;
};

// Returns the key of `x-api-key`, else of `Authorization: Bearer <key>`, else
// an empty view.
std::string_view presented_api_key(const Request& request);

}  // namespace countryhub::http
