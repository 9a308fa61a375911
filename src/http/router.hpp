#pragma once

#include "http/message.hpp"
#include "http/metrics.hpp"
#include "http/ops_handler.hpp"
#include "http/popular_handler.hpp"
#include "http/usage_handler.hpp"

namespace countryhub::http {

// Sends each request to its handler by path, answers 404 for unknown paths
// and 405 (with Allow) for other methods on known ones, and records metrics.
class Router {
 public:
  Router(PopularHandler& popular, UsageHandler& usage, OpsHandler& ops, Metrics& metrics)
      : popular_(popular), usage_(usage), ops_(ops), metrics_(metrics) {}

  Response handle(const Request& request, const RequestContext& context);

  // Serves a cached hub without blocking (PopularHandler::try_serve_cached)
  // and records its metrics when the reply is built; returns false when the
  // request needs handle().
  bool try_handle_now(const Request& request, const RequestContext& context, const Reply& reply);

 private:
  Response route(const Request& request, const Target& target, const RequestContext& context,
                 Metrics::Route& metrics_route);

  PopularHandler& popular_;
  UsageHandler& usage_;
  OpsHandler& ops_;
  Metrics& metrics_;
};

}  // namespace countryhub::http
