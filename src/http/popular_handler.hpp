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
void add_limit_headers(Billing& billing, const CallerState& state, ResponseHeader& response);

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

  // Serves the request without blocking when the cache has a servable copy
  // and the request carries no Idempotency-Key: the checks run on the calling
  // thread, and `reply` runs once the charge is committed (or at once with
  // an error). Returns false, having changed nothing, when the request needs
  // handle() on a thread that may block.
  bool try_serve_cached(const Request& request, const Target& target,
                        const RequestContext& context, const Reply& reply);

 private:
  // Builds the response of a committed or refused charge for try_serve_cached.
  Outgoing cached_response(const billing::Result<billing::UsageBalance>& balance,
                           const CallerState& state, const cache::CacheAnswer& hub,
                           common::BodyParts body, bool is_gzip, unsigned version,
                           std::string_view country_code, const RequestContext& context);

  ApiResult<Response> serve(const Request& request, const Target& target,
                            const RequestContext& context, CallerState& state);
  ApiResult<Response> fetch_and_charge(const Request& request, const billing::Caller& caller,
                                       const spotify::Country& country,
                                       const RequestContext& context,
                                       std::optional<std::int64_t> max_age_seconds,
                                       const std::string& idempotency_key);

  // Sets the headers of a 200 after its charge was committed, and logs it.
  void finish_charged(ResponseHeader& response, const cache::CacheAnswer& hub, bool is_gzip,
                      const billing::UsageBalance& balance, const billing::Caller& caller,
                      std::string_view country_code, const RequestContext& context);

  Billing& billing_;
  cache::HubCache& hubs_;
  IdempotencyGate& idempotency_;
};

// Returns the key of `x-api-key`, else of `Authorization: Bearer <key>`, else
// an empty view.
std::string_view presented_api_key(const Request& request);

}  // namespace countryhub::http
