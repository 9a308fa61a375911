#include "http/rate_limit_headers.hpp"

#include <fmt/format.h>

namespace countryhub::http {
namespace {

std::int64_t seconds_to(std::int64_t now_ms, std::int64_t end_ms) {
  return std::max<std::int64_t>(0, (end_ms - now_ms + 999) / 1000);
}

}  // namespace

void set_rate_limit_headers(ResponseHeader& response, const billing::Plan& plan,
                            const billing::MinuteDecision& minute,
                            const billing::UsageBalance& balance, std::int64_t now_ms) {
  const billing::Periods& periods = balance.periods;
  const std::int64_t month_window_s = (periods.month_end_ms - periods.month_start_ms) / 1000;
  std::string policy = fmt::format("\"minute\";q={};w=60", plan.requests_per_minute);
  std::string state =
      fmt::format("\"minute\";r={};t={}", minute.remaining, (minute.reset_ms + 999) / 1000);
  if (plan.daily_cap) {
    policy += fmt::format(", \"day\";q={};w=86400", *plan.daily_cap);
    state += fmt::format(", \"day\";r={};t={}", balance.day_remaining.value_or(0),
                         seconds_to(now_ms, periods.day_end_ms));
  }
  policy += fmt::format(", \"month\";q={};w={}", plan.included_credits, month_window_s);
  state += fmt::format(", \"month\";r={};t={}", balance.included_remaining,
                       seconds_to(now_ms, periods.month_end_ms));
  response.set("RateLimit-Policy", policy);
  response.set("RateLimit", state);
}

}  // namespace countryhub::http
