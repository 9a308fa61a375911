#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include <simdjson.h>

// Lenient readers over simdjson's DOM. Upstream fields come and go, so every
// reader treats a missing member, a null and a value of the wrong type alike:
// as "no value". The returned views point into the parser's string buffer.
namespace countryhub::spotify::json {

using Node = simdjson::simdjson_result<simdjson::dom::element>;

// Returns the string at `node`, or an empty view when it is absent or not a string.
inline std::string_view text(const Node& node) {
  std::string_view value;
  if (node.get(value) != simdjson::SUCCESS) {
    return {};
  }
  return value;
}

inline std::optional<simdjson::dom::object> object(const Node& node) {
  simdjson::dom::object value;
  if (node.get(value) != simdjson::SUCCESS) {
    return std::nullopt;
  }
  return value;
}

inline std::optional<simdjson::dom::array> array(const Node& node) {
  simdjson::dom::array value;
  if (node.get(value) != simdjson::SUCCESS) {
    return std::nullopt;
  }
  return value;
}

// Returns a whole number, also from a double with no fraction (some clients
// serialize counts as 50.0); nullopt otherwise.
inline std::optional<std::int64_t> integer(const Node& node) {
  if (node.error() != simdjson::SUCCESS) {
    return std::nullopt;
  }
  const simdjson::dom::element element = node.value_unsafe();
  if (std::int64_t i = 0; element.get_int64().get(i) == simdjson::SUCCESS) {
    return i;
  }
  if (double d = 0; element.get_double().get(d) == simdjson::SUCCESS) {
    if (d >= -9e15 && d <= 9e15 && static_cast<double>(static_cast<std::int64_t>(d)) == d) {
      return static_cast<std::int64_t>(d);
    }
  }
  return std::nullopt;
}

// Returns a display title given either as a plain string or as Spotify's
// `{transformedLabel, translatedBaseText}` object; empty strings count as absent.
inline std::string_view title(const Node& node) {
  if (std::string_view plain = text(node); !plain.empty()) {
    return plain;
  }
  if (std::string_view label = text(node["transformedLabel"]); !label.empty()) {
    return label;
  }
  return text(node["translatedBaseText"]);
}

}  // namespace countryhub::spotify::json
