#include "http/ops_handler.hpp"

#include <boost/beast/http/field.hpp>

#include "common/json_writer.hpp"
#include "common/logging.hpp"
#include "http/envelope.hpp"
#include "spotify/hub_json.hpp"

namespace countryhub::http {
namespace {

namespace beast_http = boost::beast::http;

void write_upstream(common::JsonWriter& writer, const spotify::UpstreamStatus& status) {
  writer.key("upstream");
  writer.begin_object();
  writer.field("hasToken", status.has_token);
  writer.field("tokenAgeSeconds", status.token_age_seconds);
  writer.field("workingHash", std::string_view(status.working_hash));
  writer.key("lastSuccessAt");
  if (status.last_success_ms > 0) {
    writer.value(spotify::format_rfc3339_ms(status.last_success_ms));
  } else {
    writer.null();
  }
  writer.field("lastFailure", std::string_view(status.last_failure));
  writer.field("totpVersionInUse", std::string_view(status.totp_version_in_use));
  writer.key("knownHashes");
  writer.begin_array();
  for (const std::string& hash : status.known_hashes) {
    writer.value(std::string_view(hash));
  }
  writer.end_array();
  writer.field("proxiesTotal", static_cast<std::int64_t>(status.proxies_total));
  writer.field("proxiesHealthy", static_cast<std::int64_t>(status.proxies_healthy));
  writer.key("breakers");
  writer.begin_object();
  for (const auto& [stage, state] : status.breakers) {
    writer.field(stage, std::string_view(state));
  }
  writer.end_object();
  writer.end_object();
}

}  // namespace

Response OpsHandler::healthz(const Request& request) const {
  return json_response(200, success_body(R"({"status":"ok"})"), request.version());
}

Response OpsHandler::readyz(const Request& request, const RequestContext& context) const {
  const auto ping = store_.ping();
  if (!ping) {
    common::logger("http")->error("readyz_store_failed request_id={} reason=\"{}\"",
                                  context.request_id, ping.error().detail);
    ApiFailure failure{ApiError::kUnavailable,
                       "The store does not answer; the service is not ready"};
    failure.context.emplace_back("store", "failed");
    return error_response(failure, context, request.version());
  }
  common::JsonWriter writer(512);
  writer.begin_object();
  writer.field("status", "ready");
  writer.field("store", "ok");
  write_upstream(writer, hub_client_.status());
  writer.end_object();
  return json_response(200, success_body(writer.str()), request.version());
}

Response OpsHandler::metrics(const Request& request) const {
  std::string body;
  metrics_.render(body);
  const spotify::UpstreamStatus upstream = hub_client_.status();
  fmt::format_to(std::back_inserter(body),
                 "# HELP countryhub_upstream_token_age_seconds Age of the web-player token, -1 "
                 "without one.\n# TYPE countryhub_upstream_token_age_seconds gauge\n"
                 "countryhub_upstream_token_age_seconds {}\n",
                 upstream.token_age_seconds);
  Response response{beast_http::status::ok, request.version()};
  response.set(beast_http::field::content_type, "text/plain; version=0.0.4; charset=utf-8");
  response.body() = std::move(body);
  return response;
}

Response OpsHandler::openapi(const Request& request) const {
  return json_response(200, std::string(openapi_document()), request.version());
}

}  // namespace countryhub::http
