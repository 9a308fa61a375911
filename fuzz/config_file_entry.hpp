#pragma once

#include <algorithm>
#include <string>
#include <string_view>

#include "app/config_file.hpp"
#include "fuzz/entry_support.hpp"

namespace countryhub::fuzz {

inline bool is_config_name(std::string_view name) {
  return !name.empty() && std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
  });
}

// Parses `input` as a configuration file. An error must name its line. Each
// entry must have a valid name and a one-line value, and the line numbers
// must grow from entry to entry without passing the text's line count.
inline std::string check_config_file(std::string_view input) {
  auto entries = app::parse_config_text(input);
  if (!entries) {
    if (!entries.error().starts_with("line ")) {
      return "parse_config_text failed without naming the line: " + entries.error();
    }
    return {};
  }
  const auto line_count = static_cast<int>(std::count(input.begin(), input.end(), '\n')) + 1;
  int previous_line = 0;
  for (const auto& entry : *entries) {
    if (!is_config_name(entry.name)) {
      return "parse_config_text accepted an invalid name";
    }
    if (entry.value.find('\n') != std::string::npos) {
      return "parse_config_text returned a value that spans lines";
    }
    if (entry.line <= previous_line || entry.line > line_count) {
      return "parse_config_text returned line " + std::to_string(entry.line) + " after line " +
             std::to_string(previous_line) + " of " + std::to_string(line_count);
    }
    previous_line = entry.line;
  }
  return {};
}

}  // namespace countryhub::fuzz
