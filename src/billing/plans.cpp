#include "billing/plans.hpp"

#include <algorithm>
#include <array>
#include <cctype>

namespace countryhub::billing {
namespace {

constexpr std::array kPlans = std::to_array<Plan>({
    {"free", "Free", 0, 2'000, 500, 5, 0, OverageRule::kNever},
    {"starter", "Starter", 900, 20'000, 5'000, 15, 75, OverageRule::kWhenEnabled},
    {"growth", "Growth", 2900, 100'000, 25'000, 45, 45, OverageRule::kWhenEnabled},
    {"pro", "Pro", 7900, 400'000, std::nullopt, 120, 30, OverageRule::kAlways},
    {"business", "Business", 19900, 1'200'000, std::nullopt, 300, 20, OverageRule::kAlways},
    {"enterprise", "Enterprise", 49900, 5'000'000, std::nullopt, 1'000, 12, OverageRule::kAlways},
});

}  // namespace

std::span<const Plan> plans() { return kPlans; }

std::optional<Plan> find_plan(std::string_view id) {
  for (const Plan& plan : kPlans) {
    if (std::ranges::equal(plan.id, id, [](char a, char b) {
          return a == std::tolower(static_cast<unsigned char>(b));
        })) {
      return plan;
    }
  }
  return std::nullopt;
}

bool allows_overage(const Plan& plan, bool has_overage) {
  switch (plan.overage_rule) {
    case OverageRule::kNever:
      return false;
    case OverageRule::kWhenEnabled:
      return has_overage;
    case OverageRule::kAlways:
      return true;
  }
  return false;
}

}  // namespace countryhub::billing
