#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "billing/error.hpp"
#include "billing/periods.hpp"
#include "billing/plans.hpp"
#include "store/store.hpp"

namespace countryhub::billing {

// An account's usage in the current UTC month, as the usage endpoint and
// `countryhub usage` show it.
struct UsageReport {
  Plan plan{};
  bool has_overage = false;  // whether the account may go past its included credits
  Periods periods;
  std::int64_t included = 0;
  std::int64_t used = 0;
  std::int64_t remaining = 0;         // of the included credits, never negative
  std::int64_t overage_credits = 0;   // used beyond the included credits
  std::string overage_cost_usd;       // exact decimal, e.g. "0.00225"
  std::int64_t today_credits = 0;
  std::optional<std::int64_t> daily_cap;
  std::optional<std::int64_t> today_remaining;
  std::vector<store::DailyUsage> days;  // days of the month with usage, in order
};

// Builds the report from the store's committed charges. Fails with kStoreFailed.
Result<UsageReport> usage_report(store::Store& store, const store::AccountRecord& account,
                                 const Plan& plan, std::int64_t now_ms);

// Returns the exact dollar cost of `overage_credits` on `plan` as a decimal
// string with at least two decimals ("0.00", "0.00225", "12.30"). Integer
// arithmetic only, so no floating-point rounding creeps into bills.
std::string overage_cost_usd(const Plan& plan, std::int64_t overage_credits);

// Formats cents as dollars ("9.00").
std::string cents_to_usd(std::int64_t cents);

}  // namespace countryhub::billing
