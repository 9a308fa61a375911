#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

namespace countryhub::billing {

// Credits charged for one successful data request.
inline constexpr std::int64_t kCreditsPerRequest = 3;

enum class OverageRule {
  kNever,        // requests stop when the included credits are spent
  kWhenEnabled,  // overage only when the account's switch is on
  kAlways,       // overage is part of the plan
};

struct Plan {
  std::string_view id;    // lower case, as stored and typed on the command line
  std::string_view name;  // as shown in messages: "Free", "Starter", ...
  std::int64_t price_cents_per_month;
  std::int64_t included_credits;        // per calendar month (UTC)
  std::optional<std::int64_t> daily_cap;  // credits per UTC day; nullopt: no cap
  std::int64_t requests_per_minute;
  std::int64_t overage_cents_per_1000;  // 0 when the plan has no overage
  OverageRule overage_rule;
};

// Returns the six plans, cheapest first.
std::span<const Plan> plans();

// Finds a plan by id in any letter case.
std::optional<Plan> find_plan(std::string_view id);

// Returns whether `plan` lets an account with the given switch go past its
// included credits.
bool allows_overage(const Plan& plan, bool has_overage);

}  // namespace countryhub::billing
