#pragma once

#include "http/message.hpp"
#include "http/metrics.hpp"
#include "spotify/hub_client.hpp"
#include "store/store.hpp"

namespace countryhub::http {

// Answers the operations endpoints, none charged and none needing a key:
// /healthz (process alive), /readyz (store reachable, upstream state),
// /metrics (Prometheus text) and /openapi.json. Thread-safe.
class OpsHandler {
 public:
  OpsHandler(store::Store& store, const spotify::HubClient& hub_client, const Metrics& metrics)
      : store_(store), hub_client_(hub_client), metrics_(metrics) {}

  Response healthz(const Request& request) const;
  // 200 when the store answers, else 503 `unavailable`; the body reports
  // each upstream stage's state either way.
  Response readyz(const Request& request, const RequestContext& context) const;
  Response metrics(const Request& request) const;
  Response openapi(const Request& request) const;

 private:
  store::Store& store_;
  const spotify::HubClient& hub_client_;
  const Metrics& metrics_;
};

// Returns the OpenAPI 3.1 document of the public API, compiled in from
// docs/openapi.json.
std::string_view openapi_document();

}  // namespace countryhub::http
