#include "spotify/spotify_uri.hpp"

#include <array>
#include <cctype>

namespace countryhub::spotify {
namespace {

constexpr std::string_view kScheme = "spotify:";
constexpr std::string_view kWebBase = "https://open.spotify.com/";

bool is_kind(std::string_view kind) {
  if (kind.empty()) {
    return false;
  }
  for (char c : kind) {
    if (!std::islower(static_cast<unsigned char>(c)) && c != '-' && c != '_') {
      return false;
    }
  }
  return true;
}

bool is_unreserved(unsigned char c) {
  return std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~';
}

void append_percent_encoded(std::string& out, std::string_view id) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  for (char raw : id) {
    const auto c = static_cast<unsigned char>(raw);
    if (is_unreserved(c)) {
      out.push_back(raw);
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 0xF]);
    }
  }
}

// Splits `text` at ':' into at most five parts; returns the number of parts,
// or 0 when there are more.
std::size_t split_colons(std::string_view text, std::array<std::string_view, 5>& parts) {
  std::size_t count = 0;
  std::size_t start = 0;
  while (true) {
    if (count == parts.size()) {
      return 0;
    }
    const std::size_t colon = text.find(':', start);
    parts[count++] = text.substr(start, colon - start);
    if (colon == std::string_view::npos) {
      return count;
    }
    start = colon + 1;
  }
}

}  // namespace

bool append_external_url(std::string& out, std::string_view uri) {
  if (!uri.starts_with(kScheme)) {
    return false;
  }
  std::array<std::string_view, 5> parts;
  const std::size_t count = split_colons(uri.substr(kScheme.size()), parts);
  std::string_view kind;
  std::string_view id;
  if (count == 2) {
    kind = parts[0];
    id = parts[1];
  } else if (count == 4 && parts[0] == "user" && !parts[1].empty() && parts[2] == "playlist") {
    kind = parts[2];
    id = parts[3];
  } else {
    return false;
  }
  if (!is_kind(kind) || id.empty()) {
    return false;
  }
  out.append(kWebBase);
  out.append(kind);
  out.push_back('/');
  append_percent_encoded(out, id);
  return true;
}

}  // namespace countryhub::spotify
