#include "billing/usage_report.hpp"

#include <algorithm>

#include <fmt/format.h>

namespace countryhub::billing {

std::string overage_cost_usd(const Plan& plan, std::int64_t overage_credits) {
  // Price is in cents per 1000 credits, so the cost in units of 1/100000
  // dollar is exactly credits * cents_per_1000.
  const std::int64_t hundred_thousandths = overage_credits * plan.overage_cents_per_1000;
  std::string fraction = fmt::format("{:05}", hundred_thousandths % 100000);
  while (fraction.size() > 2 && fraction.back() == '0') {
    fraction.pop_back();
  }
  return fmt::format("{}.{}", hundred_thousandths / 100000, fraction);
}

std::string cents_to_usd(std::int64_t cents) {
  return fmt::format("{}.{:02}", cents / 100, cents % 100);
}

Result<UsageReport> usage_report(store::Store& store, const store::AccountRecord& account,
                                 const Plan& plan, std::int64_t now_ms) {
  UsageReport report;
  report.plan = plan;
  report.has_overage = allows_overage(plan, account.has_overage);
  report.periods = periods_at(now_ms);
  auto days = store.daily_usage(account.id, report.periods.month);
  if (!days) {
    return BillingError{Error::kStoreFailed, days.error().detail};
  }
  report.days = std::move(*days);
  for (const store::DailyUsage& day : report.days) {
    report.used += day.credits;
    if (day.day == report.periods.day) {
      report.today_credits = day.credits;
    }
  }
  report.included = plan.included_credits;
  report.remaining = std::max<std::int64_t>(0, plan.included_credits - report.used);
  report.overage_credits = std::max<std::int64_t>(0, report.used - plan.included_credits);
  report.overage_cost_usd = overage_cost_usd(plan, report.overage_credits);
  report.daily_cap = plan.daily_cap;
  if (plan.daily_cap) {
    report.today_remaining = std::max<std::int64_t>(0, *plan.daily_cap - report.today_credits);
  }
  return report;
}

}  // namespace countryhub::billing
