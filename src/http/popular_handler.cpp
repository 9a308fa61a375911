#include "http/popular_handler.hpp"

#include <boost/beast/http/field.hpp>

#include "common/json_writer.hpp"
#include "common/logging.hpp"
#include "common/time_format.hpp"
#include "http/envelope.hpp"
#include "http/error_mapping.hpp"
#include "spotify/hub_json.hpp"

namespace countryhub::http {
namespace {

namespace beast_http = boost::beast::http;

bool has_request_body(const Request& request) {
  return !request.body().empty() || request.chunked() ||
         (request.has_content_length() && request[beast_http::field::content_length] != "0");
}

bool starts_with_ignoring_case(std::string_view text, std::string_view prefix) {
  if (text.size() < prefix.size()) {
    return false;
  }
  for (std::size_t i = 0; i < prefix.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(text[i])) != prefix[i]) {
      return false;
    }
  }
  return true;
}

// A 500 that says nothing of the cause; the cause goes to the log.
ApiFailure charge_failed() {
  return ApiFailure{ApiError::kInternalError,
                    "Internal error: the charge could not be recorded, so no data was sent and "
                    "nothing was charged; retry, and report the request id if it persists"};
}

}  // namespace

std::string_view presented_api_key(const Request& request) {
  if (const auto key = request["x-api-key"]; !key.empty()) {
    return {key.data(), key.size()};
  }
  const auto authorization = request[beast_http::field::authorization];
  const std::string_view value{authorization.data(), authorization.size()};
  if (starts_with_ignoring_case(value, "bearer ")) {
    std::string_view key = value.substr(7);
    while (!key.empty() && key.front() == ' ') {
      key.remove_prefix(1);
    }
    return key;
  }
  return {};
}

Response PopularHandler::handle(const Request& request, const Target& target,
                                const RequestContext& context) {
  auto response = serve(request, target, context);
  if (!response) {
    return error_response(response.error(), context, request.version());
  }
  return std::move(*response);
}

ApiResult<Response> PopularHandler::serve(const Request& request, const Target& target,
                                          const RequestContext& context) {
  static const auto log = common::logger("http");
  if (has_request_body(request)) {
    return ApiFailure{ApiError::kInvalidRequest,
                      "GET /api/v1/spotify/popular-by-country takes no request body; "
                      "send the parameters in the query string"};
  }
  auto country_code = single_parameter(target.query, "country_code");
  if (!country_code) {
    return country_code.error();
  }
  auto caller = access_.authenticate(presented_api_key(request));
  if (!caller) {
    if (caller.error().kind == billing::Error::kStoreFailed) {
      log->error("auth_failed request_id={} reason=\"{}\"", context.request_id,
                 caller.error().message);
    }
    return from_billing(caller.error());
  }
  auto country = validate_country(*country_code);
  if (!country) {
    return country.error();
  }
  if (auto balance = access_.check_credits(*caller); !balance) {
    return from_billing(balance.error());
  }

  auto document = hub_client_.fetch_hub(
      spotify::HubRequest{std::string(country->code), context.request_id});
  if (!document) {
    const spotify::FetchFailure& failure = document.error();
    log->warn("upstream_failed request_id={} key_id={} country_code={} stage={} kind={}",
              context.request_id, caller->key.id, country->code,
              spotify::stage_name(failure.stage), spotify::error_name(failure.kind));
    return from_upstream(failure);
  }
  spotify::CountryHub& hub = document->hub();
  hub.meta.request_id = context.request_id;
  common::JsonWriter writer(64 * 1024);
  spotify::write_hub(writer, hub);

  // The charge is recorded before any byte of the answer is written, so a
  // client never holds data that was not paid for.
  auto receipt = access_.charge_request(*caller);
  if (!receipt) {
    if (receipt.error().kind == billing::Error::kCreditsExhausted) {
      return from_billing(receipt.error());
    }
    log->error("charge_failed request_id={} key_id={} reason=\"{}\"", context.request_id,
               caller->key.id, receipt.error().message);
    return charge_failed();
  }
  Response response = json_response(200, success_body(writer.str()), request.version());
  response.set("X-Credits-Charged", std::to_string(receipt->charged));
  response.set("X-Credits-Remaining", std::to_string(receipt->balance.remaining));
  log->info("hub_served request_id={} key_id={} country_code={} latency_ms={}",
            context.request_id, caller->key.id, country->code,
            common::now_epoch_ms() - context.received_at_ms);
  return response;
}

}  // namespace countryhub::http
