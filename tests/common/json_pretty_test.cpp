#include "common/json_pretty.hpp"

#include <gtest/gtest.h>

namespace countryhub::common {
namespace {

TEST(PrettyJson, IndentsNestedContainers) {
  EXPECT_EQ(pretty_json(R"({"a":[1,{}],"b":[]})"),
            "{\n  \"a\": [\n    1,\n    {}\n  ],\n  \"b\": []\n}");
}

TEST(PrettyJson, LeavesStringContentAlone) {
  EXPECT_EQ(pretty_json(R"(["{,:}\"["])"), "[\n  \"{,:}\\\"[\"\n]");
}

}  // namespace
}  // namespace countryhub::common
