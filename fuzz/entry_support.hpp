#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include <boost/json/parse.hpp>
#include <simdjson.h>

// Helpers shared by the fuzz entry headers (fuzz/*_entry.hpp). Each entry
// checks one input and returns an empty string when every property holds,
// else a sentence naming the violated property. The libFuzzer programs abort
// on a violation; the regression tests (tests/fuzz_regressions/) assert it.
namespace countryhub::fuzz {

// Views libFuzzer's bytes as text without copying.
inline std::string_view as_text(const std::uint8_t* data, std::size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

inline bool is_valid_utf8(std::string_view text) {
  return simdjson::validate_utf8(text.data(), text.size());
}

// Returns an empty string when `json` is one valid JSON text, else the
// parser's message prefixed with `label`.
inline std::string check_parses_as_json(std::string_view json, std::string_view label) {
  boost::system::error_code error;
  boost::json::parse_options options;
  // The writer can nest deeper than Boost.JSON's default of 32; depth is not
  // the property under test, validity is.
  options.max_depth = 4096;
  boost::json::parse(json, error, {}, options);
  if (error) {
    return std::string(label) + " is not valid JSON: " + error.message();
  }
  return {};
}

// Aborts the fuzzing process with `violation` on stderr, so libFuzzer saves
// the input as a crash. Does nothing for an empty string.
inline void abort_on_violation(const std::string& violation) {
  if (violation.empty()) {
    return;
  }
  std::fprintf(stderr, "fuzz property violated: %s\n", violation.c_str());
  std::abort();
}

}  // namespace countryhub::fuzz
