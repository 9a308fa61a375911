#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "common/printable.hpp"
#include "fuzz/entry_support.hpp"

namespace countryhub::fuzz {

// Cuts the rest of `input` to a maximum its first byte picks (0 to 255). The
// excerpt goes into JSON messages and log lines, so it must be valid UTF-8
// without control characters and at most the maximum plus the "..." mark.
inline std::string check_printable_excerpt(std::string_view input) {
  if (input.empty()) {
    return {};
  }
  const std::size_t max_bytes = static_cast<unsigned char>(input.front());
  const std::string_view text = input.substr(1);
  const std::string excerpt = common::printable_excerpt(text, max_bytes);
  if (excerpt.size() > max_bytes + 3) {
    return "printable_excerpt returned " + std::to_string(excerpt.size()) + " bytes for max " +
           std::to_string(max_bytes);
  }
  if (!is_valid_utf8(excerpt)) {
    return "printable_excerpt returned invalid UTF-8";
  }
  for (const char c : excerpt) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte < 0x20 || byte == 0x7F) {
      return "printable_excerpt kept a control character";
    }
  }
  // Each kept sequence or '?' replaces as many bytes, so a text that fits
  // keeps its length.
  if (text.size() <= max_bytes && excerpt.size() != text.size()) {
    return "printable_excerpt changed the length of a text within the maximum";
  }
  return {};
}

}  // namespace countryhub::fuzz
