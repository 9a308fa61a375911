#pragma once

#include <string_view>

#include "billing/access.hpp"
#include "http/message.hpp"
#include "http/query.hpp"
#include "spotify/hub_client.hpp"

namespace countryhub::http {

inline constexpr std::string_view kPopularPath = "/api/v1/spotify/popular-by-country";

// Answers the data endpoint: checks the request, authenticates the key,
// validates the country, checks credits, fetches the hub and charges 3
// credits durably before the 200 leaves. Failures charge nothing. Blocking
// (store and upstream I/O); thread-safe.
class PopularHandler {
 public:
  PopularHandler(billing::Access& access, spotify::HubClient& hub_client)
      : access_(access), hub_client_(hub_client) {}

  Response handle(const Request& request, const Target& target, const RequestContext& context);

 private:
  ApiResult<Response> serve(const Request& request, const Target& target,
                            const RequestContext& context);

  billing::Access& access_;
  spotify::HubClient& hub_client_;
};

// Returns the key of `x-api-key`, else of `Authorization: Bearer <key>`, else
// an empty view.
std::string_view presented_api_key(const Request& request);

}  // namespace countryhub::http
