#include "http/router.hpp"

#include <array>

#include <boost/beast/http/field.hpp>
#include <fmt/format.h>

#include "common/printable.hpp"
#include "common/time_format.hpp"
#include "http/envelope.hpp"

namespace countryhub::http {
namespace {

namespace beast_http = boost::beast::http;

enum class Endpoint { kData, kUsage, kHealthz, kReadyz, kMetrics, kOpenapi };

struct RouteEntry {
  std::string_view path;
  Endpoint endpoint;
};

constexpr std::array<RouteEntry, 6> kRoutes = {{
    {kPopularPath, Endpoint::kData},
    {kUsagePath, Endpoint::kUsage},
    {"/healthz", Endpoint::kHealthz},
    {"/readyz", Endpoint::kReadyz},
    {"/metrics", Endpoint::kMetrics},
    {"/openapi.json", Endpoint::kOpenapi},
}};

}  // namespace

Response Router::handle(const Request& request, const RequestContext& context) {
  Metrics::Route metrics_route = Metrics::Route::kOther;
  auto target = parse_target(request.target());
  Response response = target ? route(request, *target, context, metrics_route)
                             : error_response(target.error(), context, request.version());
  metrics_.record(metrics_route, response.result_int(),
                  common::now_epoch_ms() - context.received_at_ms);
  return response;
}

bool Router::try_handle_now(const Request& request, const RequestContext& context,
                            const Reply& reply) {
  if (request.method() != beast_http::verb::get) {
    return false;
  }
  auto target = parse_target(request.target());
  if (!target || target->path != kPopularPath) {
    return false;
  }
  const Reply recorded = [this, reply, received_at_ms = context.received_at_ms](
                             std::function<Outgoing()> build) {
    reply([this, build = std::move(build), received_at_ms] {
      Outgoing response = build();
      const unsigned status =
          std::visit([](const ResponseHeader& header) { return header.result_int(); }, response);
      metrics_.record(Metrics::Route::kData, status, common::now_epoch_ms() - received_at_ms);
      return response;
    });
  };
  return popular_.try_serve_cached(request, *target, context, recorded);
}

Response Router::route(const Request& request, const Target& target,
                       const RequestContext& context, Metrics::Route& metrics_route) {
  const RouteEntry* entry = nullptr;
  for (const RouteEntry& candidate : kRoutes) {
    if (candidate.path == target.path) {
      entry = &candidate;
    }
  }
  if (entry == nullptr) {
    return error_response(
        ApiFailure{ApiError::kNotFound,
                   fmt::format("No endpoint at '{}'; the data endpoint is GET {}",
                               common::printable_excerpt(target.path, 80), kPopularPath)},
        context, request.version());
  }
  if (request.method() != beast_http::verb::get) {
    Response response = error_response(
        ApiFailure{ApiError::kMethodNotAllowed,
                   fmt::format("{} does not accept {}; use GET", entry->path,
                               common::printable_excerpt(request.method_string(), 20))},
        context, request.version());
    response.set(beast_http::field::allow, "GET");
    return response;
  }
  metrics_route = entry->endpoint == Endpoint::kData    ? Metrics::Route::kData
                  : entry->endpoint == Endpoint::kUsage ? Metrics::Route::kUsage
                                                        : Metrics::Route::kOps;
  switch (entry->endpoint) {
    case Endpoint::kData:
      return popular_.handle(request, target, context);
    case Endpoint::kUsage:
      return usage_.handle(request, context);
    case Endpoint::kHealthz:
      return ops_.healthz(request);
    case Endpoint::kReadyz:
      return ops_.readyz(request, context);
    case Endpoint::kMetrics:
      return ops_.metrics(request);
    case Endpoint::kOpenapi:
      return ops_.openapi(request);
  }
  return ops_.healthz(request);
}

}  // namespace countryhub::http
