#include "app/config_file.hpp"

#include <algorithm>

#include <fmt/format.h>

namespace countryhub::app {
namespace {

std::string_view trim(std::string_view text) {
  const auto is_space = [](char c) { return c == ' ' || c == '\t' || c == '\r'; };
  while (!text.empty() && is_space(text.front())) {
    text.remove_prefix(1);
  }
  while (!text.empty() && is_space(text.back())) {
    text.remove_suffix(1);
  }
  return text;
}

bool is_name_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
}

}  // namespace

boost::system::result<std::vector<ConfigEntry>, std::string> parse_config_text(
    std::string_view text) {
  std::vector<ConfigEntry> entries;
  int line_number = 0;
  while (!text.empty()) {
    ++line_number;
    const auto end = text.find('\n');
    const std::string_view line = trim(text.substr(0, end));
    text.remove_prefix(end == std::string_view::npos ? text.size() : end + 1);
    if (line.empty() || line.front() == '#') {
      continue;
    }
    const auto equals = line.find('=');
    if (equals == std::string_view::npos) {
      return fmt::format("line {}: expected 'name = value'", line_number);
    }
    const std::string_view name = trim(line.substr(0, equals));
    std::string_view value = trim(line.substr(equals + 1));
    if (name.empty() || !std::all_of(name.begin(), name.end(), is_name_char)) {
      return fmt::format("line {}: the name before '=' must be lower-case letters, digits, '-'",
                         line_number);
    }
    if (value.size() >= 2 && value.front() == '"' && value.back() == '"') {
      value = value.substr(1, value.size() - 2);
    }
    entries.push_back(ConfigEntry{std::string(name), std::string(value), line_number});
  }
  return entries;
}

}  // namespace countryhub::app
