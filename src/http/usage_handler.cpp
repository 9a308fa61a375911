#include "http/usage_handler.hpp"

#include "billing/usage_report.hpp"
#include "common/json_writer.hpp"
#include "common/logging.hpp"
#include "http/envelope.hpp"
#include "http/error_mapping.hpp"
#include "spotify/hub_json.hpp"

namespace countryhub::http {
namespace {

void write_plan(common::JsonWriter& writer, const billing::UsageReport& report) {
  const billing::Plan& plan = report.plan;
  writer.key("plan");
  writer.begin_object();
  writer.field("id", plan.id);
  writer.field("name", plan.name);
  writer.field("priceUsdPerMonth", billing::cents_to_usd(plan.price_cents_per_month));
  writer.field("includedCredits", plan.included_credits);
  writer.key("dailyCapCredits");
  plan.daily_cap ? writer.value(*plan.daily_cap) : writer.null();
  writer.field("requestsPerMinute", plan.requests_per_minute);
  writer.field("overageEnabled", report.has_overage);
  writer.key("overageUsdPer1000Credits");
  plan.overage_cents_per_1000 > 0 ? writer.value(billing::cents_to_usd(plan.overage_cents_per_1000))
                                  : writer.null();
  writer.end_object();
}

void write_report(common::JsonWriter& writer, const billing::UsageReport& report) {
  writer.begin_object();
  write_plan(writer, report);
  writer.key("period");
  writer.begin_object();
  writer.field("month", std::string_view(report.periods.month));
  writer.field("start", spotify::format_rfc3339_ms(report.periods.month_start_ms));
  writer.field("end", spotify::format_rfc3339_ms(report.periods.month_end_ms));
  writer.end_object();
  writer.key("credits");
  writer.begin_object();
  writer.field("included", report.included);
  writer.field("used", report.used);
  writer.field("remaining", report.remaining);
  writer.field("overage", report.overage_credits);
  writer.field("overageCostUsd", std::string_view(report.overage_cost_usd));
  writer.end_object();
  writer.key("today");
  writer.begin_object();
  writer.field("day", std::string_view(report.periods.day));
  writer.field("credits", report.today_credits);
  writer.key("dailyCap");
  report.daily_cap ? writer.value(*report.daily_cap) : writer.null();
  writer.key("remaining");
  report.today_remaining ? writer.value(*report.today_remaining) : writer.null();
  writer.end_object();
  writer.key("days");
  writer.begin_array();
  for (const store::DailyUsage& day : report.days) {
    writer.begin_object();
    writer.field("day", std::string_view(day.day));
    writer.field("credits", day.credits);
    writer.field("requests", day.requests);
    writer.end_object();
  }
  writer.end_array();
  writer.end_object();
}

}  // namespace

Response UsageHandler::handle(const Request& request, const RequestContext& context) {
  CallerState state;
  auto response = serve(request, context, state);
  Response answer = response ? std::move(*response)
                             : error_response(response.error(), context, request.version());
  add_limit_headers(billing_, state, answer);
  return answer;
}

ApiResult<Response> UsageHandler::serve(const Request& request, const RequestContext& context,
                                        CallerState& state) {
  if (!request.body().empty()) {
    return ApiFailure{ApiError::kInvalidRequest, "GET /api/v1/account/usage takes no request body"};
  }
  auto caller = admit_caller(billing_, request, context, state);
  if (!caller) {
    return caller.error();
  }
  auto report = billing::usage_report(store_, caller->account, caller->plan, billing_.clock());
  if (!report) {
    common::logger("http")->error("usage_failed request_id={} key_id={} reason=\"{}\"",
                                  context.request_id, caller->key.id, report.error().message);
    return from_billing(report.error());
  }
  common::JsonWriter writer(1024);
  write_report(writer, *report);
  return json_response(200, success_body(writer.str()), request.version());
}

}  // namespace countryhub::http
