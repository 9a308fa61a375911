#pragma once

#include <string_view>

#include "http/message.hpp"
#include "http/popular_handler.hpp"
#include "store/store.hpp"

namespace countryhub::http {

inline constexpr std::string_view kUsagePath = "/api/v1/account/usage";

// Answers GET /api/v1/account/usage for the key's own account: plan, UTC
// month, credits included, used, remaining, overage credits and their exact
// cost, today's credits against the daily cap, and a per-day series. Never
// charged; counted by the per-minute limit like every keyed request.
// Blocking (store reads); thread-safe.
class UsageHandler {
 public:
  UsageHandler(Billing& billing, store::Store& store) : billing_(billing), store_(store) {}

  Response handle(const Request& request, const RequestContext& context);

 private:
  ApiResult<Response> serve(const Request& request, const RequestContext& context,
                            CallerState& state);

  Billing& billing_;
  store::Store& store_;
};

}  // namespace countryhub::http
