#include "http/popular_handler.hpp"

#include <charconv>

#include <boost/beast/http/field.hpp>
#include <fmt/format.h>

#include "common/gzip_parts.hpp"
#include "common/json_writer.hpp"
#include "common/log_throttle.hpp"
#include "common/logging.hpp"
#include "common/time_format.hpp"
#include "http/envelope.hpp"
#include "http/error_mapping.hpp"
#include "http/rate_limit_headers.hpp"
#include "spotify/hub_json.hpp"

namespace countryhub::http {
namespace {

namespace beast_http = boost::beast::http;

const auto& http_log() {
  static const auto log = common::logger("http");
  return log;
}

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

// Builds a 500 without the cause, which goes to the log instead.
ApiFailure charge_failed() {
  return ApiFailure{ApiError::kInternalError,
                    "Internal error: the charge could not be recorded, so no data was sent and "
                    "nothing was charged; retry, and report the request id if it persists"};
}

// Reads `max_age` (whole seconds, 0 to 86400): the caller refuses cached
// data older than that. Absent: any age the cache serves.
ApiResult<std::optional<std::int64_t>> max_age_parameter(std::string_view query) {
  auto text = single_parameter(query, "max_age");
  if (!text) {
    return text.error();
  }
  if (!*text) {
    return std::optional<std::int64_t>{};
  }
  std::int64_t seconds = -1;
  const auto [end, ec] = std::from_chars((*text)->data(), (*text)->data() + (*text)->size(), seconds);
  if ((*text)->empty() || ec != std::errc{} || end != (*text)->data() + (*text)->size() ||
      seconds < 0 || seconds > 86400) {
    return ApiFailure{ApiError::kInvalidRequest,
                      "max_age must be whole seconds from 0 to 86400, the oldest cached hub "
                      "you accept"};
  }
  return std::optional<std::int64_t>{seconds};
}

ApiFailure rate_limited(const billing::Plan& plan, const billing::MinuteDecision& minute) {
  const std::int64_t retry_after = std::max<std::int64_t>(1, (minute.reset_ms + 999) / 1000);
  return ApiFailure{ApiError::kRateLimited,
                    fmt::format("Rate limit of {} requests per minute exceeded on the {} plan; "
                                "retry in {} s.",
                                plan.requests_per_minute, plan.name, retry_after),
                    retry_after};
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

ApiResult<billing::Caller> admit_caller(Billing& billing, const Request& request,
                                        const RequestContext& context, CallerState& state) {
  auto caller = billing.access.authenticate(presented_api_key(request));
  if (!caller) {
    if (caller.error().kind == billing::Error::kStoreFailed) {
      http_log()->error("auth_failed request_id={} reason=\"{}\"", context.request_id,
                        caller.error().message);
    }
    return from_billing(caller.error());
  }
  state.caller = *caller;
  state.minute = billing.limiter.try_acquire(caller->account.id,
                                             caller->plan.requests_per_minute, billing.clock());
  if (!state.minute->is_allowed) {
    // A client hammering past its limit would otherwise log a line per request.
    static common::LogThrottle throttle(3, 10'000);
    if (const std::int64_t skipped = throttle.admit(caller->account.id, billing.clock());
        skipped >= 0) {
      http_log()->info("rate_limited request_id={} key_id={} plan={} skipped_since_last={}",
                       context.request_id, caller->key.id, caller->plan.id, skipped);
    }
    return rate_limited(caller->plan, *state.minute);
  }
  return std::move(*caller);
}

void add_limit_headers(Billing& billing, const CallerState& state, ResponseHeader& response) {
  if (!state.caller || !state.minute) {
    return;
  }
  // The balance comes from the ledger's memory; a store failure here only
  // costs the headers, never the response.
  auto balance = billing.ledger.balance(*state.caller);
  if (balance) {
    set_rate_limit_headers(response, state.caller->plan, *state.minute, *balance,
                           billing.clock());
  }
}

Response PopularHandler::handle(const Request& request, const Target& target,
                                const RequestContext& context) {
  CallerState state;
  auto response = serve(request, target, context, state);
  Response answer = response ? std::move(*response)
                             : error_response(response.error(), context, request.version());
  add_limit_headers(billing_, state, answer);
  return answer;
}

ApiResult<Response> PopularHandler::serve(const Request& request, const Target& target,
                                          const RequestContext& context, CallerState& state) {
  if (has_request_body(request)) {
    return ApiFailure{ApiError::kInvalidRequest,
                      "GET /api/v1/spotify/popular-by-country takes no request body; "
                      "send the parameters in the query string"};
  }
  auto country_code = single_parameter(target.query, "country_code");
  if (!country_code) {
    return country_code.error();
  }
  const auto idempotency_header = request["Idempotency-Key"];
  const std::string idempotency_key(idempotency_header.data(), idempotency_header.size());
  if (request.find("Idempotency-Key") != request.end()) {
    if (auto problem = check_idempotency_key(idempotency_key)) {
      return *problem;
    }
  }
  auto caller = admit_caller(billing_, request, context, state);
  if (!caller) {
    return caller.error();
  }
  auto country = validate_country(*country_code);
  if (!country) {
    return country.error();
  }
  auto max_age = max_age_parameter(target.query);
  if (!max_age) {
    return max_age.error();
  }
  if (idempotency_key.empty()) {
    return fetch_and_charge(request, *caller, *country, context, *max_age, idempotency_key);
  }
  auto gate = idempotency_.begin(caller->account.id, idempotency_key);
  if (auto* stored = std::get_if<store::IdempotentResponse>(&gate)) {
    http_log()->debug("idempotent_replay request_id={} key_id={}", context.request_id,
                     caller->key.id);
    Response replay = replay_response(*stored, request.version());
    replay.set("X-Credits-Charged", "0");
    return replay;
  }
  if (auto* failure = std::get_if<ApiFailure>(&gate)) {
    return std::move(*failure);
  }
  // The claim is held until this request's response is stored or has failed.
  IdempotencyClaim claim = std::move(std::get<IdempotencyClaim>(gate));
  return fetch_and_charge(request, *caller, *country, context, *max_age, idempotency_key);
}

ApiResult<Response> PopularHandler::fetch_and_charge(const Request& request,
                                                     const billing::Caller& caller,
                                                     const spotify::Country& country,
                                                     const RequestContext& context,
                                                     std::optional<std::int64_t> max_age_seconds,
                                                     const std::string& idempotency_key) {
  auto reservation = billing_.ledger.reserve(caller);
  if (!reservation) {
    return from_billing(reservation.error());
  }
  auto hub = hubs_.get(country.code, max_age_seconds, context.request_id);
  if (!hub) {
    const spotify::FetchFailure& failure = hub.error();
    http_log()->warn("upstream_failed request_id={} key_id={} country_code={} stage={} kind={}",
                     context.request_id, caller.key.id, country.code,
                     spotify::stage_name(failure.stage), spotify::error_name(failure.kind));
    return from_upstream(failure);
  }
  const auto accept_encoding = request[beast_http::field::accept_encoding];
  const bool is_gzip = idempotency_key.empty() &&
                       common::accepts_gzip({accept_encoding.data(), accept_encoding.size()});
  // Stored idempotent responses are kept uncompressed so any repeat can read them.
  std::string body = is_gzip ? hubs_.render_gzip(*hub, context.request_id)
                             : hubs_.render(*hub, context.request_id);

  std::optional<store::IdempotentResponse> stored;
  if (!idempotency_key.empty()) {
    stored = store::IdempotentResponse{idempotency_key, billing_.clock(), 200,
                                       std::string("Content-Type: ") + kJsonContentType, body};
  }
  // The charge is committed before any byte of the answer is written, so a
  // client never holds data that was not paid for.
  auto balance = billing_.ledger.commit(caller, *reservation, std::move(stored));
  if (!balance) {
    if (balance.error().kind != billing::Error::kStoreFailed) {
      return from_billing(balance.error());
    }
    http_log()->error("charge_failed request_id={} key_id={} reason=\"{}\"", context.request_id,
                      caller.key.id, balance.error().message);
    return charge_failed();
  }
  Response response = json_response(200, std::move(body), request.version());
  finish_charged(response, *hub, is_gzip, *balance, caller, country.code, context);
  return response;
}

void PopularHandler::finish_charged(ResponseHeader& response, const cache::CacheAnswer& hub,
                                    bool is_gzip, const billing::UsageBalance& balance,
                                    const billing::Caller& caller, std::string_view country_code,
                                    const RequestContext& context) {
  if (is_gzip) {
    response.set(beast_http::field::content_encoding, "gzip");
  }
  response.set(beast_http::field::vary, "Accept-Encoding");
  response.set("Cache-Status", hub.cache_status);
  response.set("X-Credits-Charged", std::to_string(billing::kCreditsPerRequest));
  response.set("X-Credits-Remaining", std::to_string(balance.included_remaining));
  http_log()->debug("hub_served request_id={} key_id={} country_code={} cache={} latency_ms={}",
                   context.request_id, caller.key.id, country_code, hub.cache_status,
                   common::now_epoch_ms() - context.received_at_ms);
}

bool PopularHandler::try_serve_cached(const Request& request, const Target& target,
                                      const RequestContext& context, const Reply& reply) {
  if (has_request_body(request) || request.find("Idempotency-Key") != request.end()) {
    return false;
  }
  auto country_code = single_parameter(target.query, "country_code");
  if (!country_code) {
    return false;
  }
  auto country = validate_country(*country_code);
  auto max_age = max_age_parameter(target.query);
  if (!country || !max_age) {
    return false;
  }
  auto hub = hubs_.peek(country->code, *max_age, context.request_id);
  if (!hub) {
    return false;
  }
  // From here on every branch calls `reply` exactly once.
  auto state = std::make_shared<CallerState>();
  const unsigned version = request.version();
  const auto fail = [this, &reply, &context, state, version](const ApiFailure& failure) {
    reply([this, state, failure, context, version]() -> Outgoing {
      Response response = error_response(failure, context, version);
      add_limit_headers(billing_, *state, response);
      return response;
    });
  };
  auto caller = admit_caller(billing_, request, context, *state);
  if (!caller) {
    fail(caller.error());
    return true;
  }
  auto reservation = billing_.ledger.reserve(*caller);
  if (!reservation) {
    fail(from_billing(reservation.error()));
    return true;
  }
  const auto accept_encoding = request[beast_http::field::accept_encoding];
  const bool is_gzip = common::accepts_gzip({accept_encoding.data(), accept_encoding.size()});
  auto body = std::make_shared<common::BodyParts>(
      is_gzip ? hubs_.gzip_body_parts(*hub, context.request_id)
              : hubs_.body_parts(*hub, context.request_id));
  billing_.ledger.commit_async(
      *caller, std::move(*reservation), std::nullopt,
      [this, reply, state, hub = std::move(*hub), body, is_gzip, version, code = country->code,
       context](billing::Result<billing::UsageBalance> balance) {
        // The response is built on the connection's thread, not the committer's.
        reply([this, state, hub, body, is_gzip, version, code, context,
               balance = std::move(balance)]() -> Outgoing {
          return cached_response(balance, *state, hub, std::move(*body), is_gzip, version, code,
                                 context);
        });
      });
  return true;
}

Outgoing PopularHandler::cached_response(const billing::Result<billing::UsageBalance>& balance,
                                         const CallerState& state, const cache::CacheAnswer& hub,
                                         common::BodyParts body, bool is_gzip, unsigned version,
                                         std::string_view country_code,
                                         const RequestContext& context) {
  if (!balance) {
    ApiFailure failure = from_billing(balance.error());
    if (balance.error().kind == billing::Error::kStoreFailed) {
      http_log()->error("charge_failed request_id={} key_id={} reason=\"{}\"", context.request_id,
                        state.caller->key.id, balance.error().message);
      failure = charge_failed();
    }
    Response response = error_response(failure, context, version);
    add_limit_headers(billing_, state, response);
    return response;
  }
  SplicedResponse response{beast_http::status::ok, version};
  response.set(beast_http::field::content_type, kJsonContentType);
  response.body() = std::move(body);
  finish_charged(response, hub, is_gzip, *balance, *state.caller, country_code, context);
  add_limit_headers(billing_, state, response);
  return response;
}

}  // namespace countryhub::http
