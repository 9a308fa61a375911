#include "spotify/plain_text.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdint>
#include <utility>

namespace countryhub::spotify {
namespace {

struct Entity {
  std::string_view name;
  std::string_view utf8;
};

constexpr Entity kEntities[] = {
#include "spotify/html_entities.inc"
};

// Windows-1252 meanings of numeric references 0x80-0x9F, which the HTML
// standard applies instead of the C1 control characters.
constexpr std::array<char32_t, 32> kWindows1252 = {
    0x20AC, 0x81,   0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
    0x2039, 0x0152, 0x8D,   0x017D, 0x8F,   0x90,   0x2018, 0x2019, 0x201C, 0x201D, 0x2022,
    0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x9D,   0x017E, 0x0178};

constexpr std::size_t kMaxEntityName = 32;

void append_utf8(std::string& out, char32_t code_point) {
  if (code_point < 0x80) {
    out.push_back(static_cast<char>(code_point));
  } else if (code_point < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (code_point >> 6)));
    out.push_back(static_cast<char>(0x80 | (code_point & 0x3F)));
  } else if (code_point < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (code_point >> 12)));
    out.push_back(static_cast<char>(0x80 | ((code_point >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (code_point & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (code_point >> 18)));
    out.push_back(static_cast<char>(0x80 | ((code_point >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((code_point >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (code_point & 0x3F)));
  }
}

const Entity* find_entity(std::string_view name) {
  const auto* found = std::ranges::lower_bound(kEntities, name, {}, &Entity::name);
  if (found == std::end(kEntities) || found->name != name) {
    return nullptr;
  }
  return found;
}

char32_t sanitize_code_point(std::uint64_t value) {
  if (value == 0 || (value >= 0xD800 && value <= 0xDFFF) || value > 0x10FFFF) {
    return 0xFFFD;
  }
  if (value >= 0x80 && value <= 0x9F) {
    return kWindows1252[value - 0x80];
  }
  return static_cast<char32_t>(value);
}

// Decodes a numeric reference at `text[0] == '#'`; returns the bytes consumed,
// or 0 when no digits follow.
std::size_t decode_numeric(std::string& out, std::string_view text) {
  const bool is_hex = text.size() > 1 && (text[1] == 'x' || text[1] == 'X');
  std::size_t i = is_hex ? 2 : 1;
  const std::size_t digits_start = i;
  std::uint64_t value = 0;
  for (; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    int digit = -1;
    if (std::isdigit(c)) {
      digit = c - '0';
    } else if (is_hex && std::isxdigit(c)) {
      digit = std::tolower(c) - 'a' + 10;
    } else {
      break;
    }
    // Saturate: anything past the Unicode range decodes to U+FFFD anyway.
    value = std::min<std::uint64_t>(value * (is_hex ? 16 : 10) + digit, 0x110000);
  }
  if (i == digits_start) {
    return 0;
  }
  if (i < text.size() && text[i] == ';') {
    ++i;
  }
  append_utf8(out, sanitize_code_point(value));
  return i;
}

// Decodes a named reference starting after '&'; returns the bytes consumed,
// or 0 when no name matches. Without a ';' the longest legacy name that
// prefixes the text wins, as in the HTML standard.
std::size_t decode_named(std::string& out, std::string_view text) {
  std::size_t length = 0;
  while (length < text.size() && length < kMaxEntityName &&
         std::string_view("\t\n\f <&#;").find(text[length]) == std::string_view::npos) {
    ++length;
  }
  if (length == 0) {
    return 0;
  }
  if (length < text.size() && text[length] == ';') {
    if (const Entity* entity = find_entity(text.substr(0, length + 1))) {
      out.append(entity->utf8);
      return length + 1;
    }
  }
  for (std::size_t prefix = length; prefix >= 2; --prefix) {
    if (const Entity* entity = find_entity(text.substr(0, prefix))) {
      out.append(entity->utf8);
      return prefix;
    }
  }
  return 0;
}

void append_decoded(std::string& out, std::string_view text) {
  std::size_t i = 0;
  while (i < text.size()) {
    const std::size_t amp = text.find('&', i);
    if (amp == std::string_view::npos) {
      out.append(text.substr(i));
      return;
    }
    out.append(text.substr(i, amp - i));
    const std::string_view rest = text.substr(amp + 1);
    std::size_t consumed = 0;
    if (!rest.empty() && rest[0] == '#') {
      consumed = decode_numeric(out, rest);
    } else {
      consumed = decode_named(out, rest);
    }
    if (consumed == 0) {
      out.push_back('&');
    }
    i = amp + 1 + consumed;
  }
}

bool starts_tag(std::string_view text, std::size_t lt) {
  if (lt + 1 >= text.size()) {
    return false;
  }
  const auto next = static_cast<unsigned char>(text[lt + 1]);
  return std::isalpha(next) || next == '/' || next == '!' || next == '?';
}

}  // namespace

void append_plain_text(std::string& out, std::string_view html) {
  // Tags go first so that an entity such as &lt; decodes to text that is
  // never mistaken for markup.
  std::string without_tags;
  without_tags.reserve(html.size());
  std::size_t i = 0;
  while (i < html.size()) {
    const std::size_t lt = html.find('<', i);
    if (lt == std::string_view::npos) {
      without_tags.append(html.substr(i));
      break;
    }
    const std::size_t gt = starts_tag(html, lt) ? html.find('>', lt) : std::string_view::npos;
    if (gt == std::string_view::npos) {
      without_tags.append(html.substr(i, lt + 1 - i));
      i = lt + 1;
      continue;
    }
    without_tags.append(html.substr(i, lt - i));
    i = gt + 1;
  }
  append_decoded(out, without_tags);
}

}  // namespace countryhub::spotify
