#include "common/json_writer.hpp"

#include <gtest/gtest.h>

namespace countryhub::common {
namespace {

TEST(JsonWriter, InsertsCommasBetweenMembersAndElements) {
  JsonWriter writer;
  writer.begin_object();
  writer.field("a", 1);
  writer.key("list");
  writer.begin_array();
  writer.value("x");
  writer.value(true);
  writer.null();
  writer.begin_object();
  writer.end_object();
  writer.end_array();
  writer.field("b", "y");
  writer.end_object();
  EXPECT_EQ(writer.str(), R"({"a":1,"list":["x",true,null,{}],"b":"y"})");
}

TEST(JsonWriter, EscapesQuotesBackslashesAndControlCharacters) {
  std::string out;
  append_json_string(out, std::string_view("q\"b\\n\nt\tz\x01\x1f", 11));
  EXPECT_EQ(out, R"("q\"b\\n\nt\tz\u0001\u001f")");
}

TEST(JsonWriter, KeepsUnicodeBytesUnescaped) {
  std::string out;
  append_json_string(out, "caf\xC3\xA9 \xE2\x80\x99 \xF0\x9F\x8E\xA7");
  EXPECT_EQ(out, "\"caf\xC3\xA9 \xE2\x80\x99 \xF0\x9F\x8E\xA7\"");
}

TEST(JsonWriter, WritesNegativeAndLargeIntegers) {
  JsonWriter writer;
  writer.begin_array();
  writer.value(std::int64_t{-42});
  writer.value(std::int64_t{9007199254740993});
  writer.end_array();
  EXPECT_EQ(writer.str(), "[-42,9007199254740993]");
}

}  // namespace
}  // namespace countryhub::common
