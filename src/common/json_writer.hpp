#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace countryhub::common {

// Appends compact JSON to a string. It inserts commas itself, escapes strings
// as RFC 8259 requires and passes every other byte through, so the caller must
// hand it valid UTF-8. Not thread-safe; one writer per output.
class JsonWriter {
 public:
  JsonWriter() = default;
  explicit JsonWriter(std::size_t capacity) { out_.reserve(capacity); }

  void begin_object();
  void end_object();
  void begin_array();
  void end_array();

  // Writes an object member name; the next value call gives its value.
  void key(std::string_view name);

  void value(std::string_view text);
  void value(const char* text) { value(std::string_view(text)); }
  void value(std::int64_t number);
  void value(int number) { value(static_cast<std::int64_t>(number)); }
  void value(bool flag);
  void null();
  // Writes `json` as one value without checking it; it must be valid JSON.
  void raw_value(std::string_view json);

  template <class T>
  void field(std::string_view name, const T& v) {
    key(name);
    value(v);
  }

  const std::string& str() const { return out_; }
  std::string take() && { return std::move(out_); }

 private:
  void before_value();

  std::string out_;
  // One flag per open container: whether a value was already written in it.
  std::vector<bool> has_value_;
  bool after_key_ = false;
};

// Appends `text` to `out` as a quoted JSON string.
void append_json_string(std::string& out, std::string_view text);

}  // namespace countryhub::common
