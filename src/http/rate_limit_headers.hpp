#pragma once

#include "billing/ledger.hpp"
#include "billing/minute_limiter.hpp"
#include "billing/plans.hpp"
#include "http/message.hpp"

namespace countryhub::http {

// Sets `RateLimit-Policy` and `RateLimit` (IETF httpapi draft syntax) with
// one named policy per limit: "minute" (requests in a sliding 60 s window),
// "day" (credits under the daily cap; only on plans with one) and "month"
// (included credits of the UTC month). For example
//   RateLimit-Policy: "minute";q=5;w=60, "day";q=500;w=86400, "month";q=2000;w=2678400
//   RateLimit: "minute";r=4;t=60, "day";r=497;t=31000, "month";r=1997;t=2332800
void set_rate_limit_headers(ResponseHeader& response, const billing::Plan& plan,
                            const billing::MinuteDecision& minute,
                            const billing::UsageBalance& balance, std::int64_t now_ms);

}  // namespace countryhub::http
