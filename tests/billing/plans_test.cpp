#include "billing/plans.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <gtest/gtest.h>

namespace countryhub::billing {
namespace {

// The plan table of the public API contract, in its order.
struct ExpectedPlan {
  std::string_view id;
  std::string_view name;
  std::int64_t price_cents_per_month;
  std::int64_t included_credits;
  std::optional<std::int64_t> daily_cap;
  std::int64_t requests_per_minute;
  std::int64_t overage_cents_per_1000;
  OverageRule overage_rule;
};

constexpr ExpectedPlan kContractPlans[] = {
    {"free", "Free", 0, 2'000, 500, 5, 0, OverageRule::kNever},
    {"starter", "Starter", 900, 20'000, 5'000, 15, 75, OverageRule::kWhenEnabled},
    {"growth", "Growth", 2'900, 100'000, 25'000, 45, 45, OverageRule::kWhenEnabled},
    {"pro", "Pro", 7'900, 400'000, std::nullopt, 120, 30, OverageRule::kAlways},
    {"business", "Business", 19'900, 1'200'000, std::nullopt, 300, 20, OverageRule::kAlways},
    {"enterprise", "Enterprise", 49'900, 5'000'000, std::nullopt, 1'000, 12, OverageRule::kAlways},
};

TEST(Plans, MatchContractTable) {
  const auto all = plans();
  ASSERT_EQ(all.size(), std::size(kContractPlans));
  for (std::size_t i = 0; i < all.size(); ++i) {
    const Plan& plan = all[i];
    const ExpectedPlan& expected = kContractPlans[i];
    SCOPED_TRACE(expected.id);
    EXPECT_EQ(plan.id, expected.id);
    EXPECT_EQ(plan.name, expected.name);
    EXPECT_EQ(plan.price_cents_per_month, expected.price_cents_per_month);
    EXPECT_EQ(plan.included_credits, expected.included_credits);
    EXPECT_EQ(plan.daily_cap, expected.daily_cap);
    EXPECT_EQ(plan.requests_per_minute, expected.requests_per_minute);
    EXPECT_EQ(plan.overage_cents_per_1000, expected.overage_cents_per_1000);
    EXPECT_EQ(plan.overage_rule, expected.overage_rule);
  }
}

TEST(Plans, RequestCostsThreeCredits) { EXPECT_EQ(kCreditsPerRequest, 3); }

TEST(FindPlan, FindsEveryPlanInAnyCase) {
  for (const ExpectedPlan& expected : kContractPlans) {
    std::string upper(expected.id);
    for (char& c : upper) {
      c = static_cast<char>(c - 'a' + 'A');
    }
    std::string capitalized(expected.id);
    capitalized[0] = upper[0];

    for (const std::string& spelling : {std::string(expected.id), upper, capitalized}) {
      const auto found = find_plan(spelling);
      ASSERT_TRUE(found) << spelling;
      EXPECT_EQ(found->id, expected.id) << spelling;
      EXPECT_EQ(found->included_credits, expected.included_credits) << spelling;
    }
  }
  const auto mixed = find_plan("eNtErPrIsE");
  ASSERT_TRUE(mixed);
  EXPECT_EQ(mixed->id, "enterprise");
}

TEST(FindPlan, RejectsUnknownIds) {
  for (const char* id : {"", "platinum", "pr", "pros", "pro ", " pro", "free\n", "Free Plan"}) {
    EXPECT_FALSE(find_plan(id)) << "'" << id << "'";
  }
}

TEST(AllowsOverage, NeverRuleIgnoresSwitch) {
  const auto free = find_plan("free");
  ASSERT_TRUE(free);
  EXPECT_FALSE(allows_overage(*free, false));
  EXPECT_FALSE(allows_overage(*free, true));
}

TEST(AllowsOverage, WhenEnabledRuleFollowsSwitch) {
  for (const char* id : {"starter", "growth"}) {
    const auto plan = find_plan(id);
    ASSERT_TRUE(plan) << id;
    EXPECT_FALSE(allows_overage(*plan, false)) << id;
    EXPECT_TRUE(allows_overage(*plan, true)) << id;
  }
}

TEST(AllowsOverage, AlwaysRuleIgnoresSwitch) {
  for (const char* id : {"pro", "business", "enterprise"}) {
    const auto plan = find_plan(id);
    ASSERT_TRUE(plan) << id;
    EXPECT_TRUE(allows_overage(*plan, false)) << id;
    EXPECT_TRUE(allows_overage(*plan, true)) << id;
  }
}

}  // namespace
}  // namespace countryhub::billing
