#include "spotify/countries.hpp"

#include <algorithm>
#include <array>
#include <cctype>

#include "common/json_writer.hpp"

namespace countryhub::spotify {
namespace {

constexpr std::array kCountries = std::to_array<Country>({
#include "spotify/countries_table.inc"
});

static_assert(std::ranges::is_sorted(kCountries, {}, &Country::code));

// Codes people send by mistake: the UK's common abbreviation, language codes
// used as if they were countries, and three-letter ISO codes.
constexpr std::array<std::pair<std::string_view, std::string_view>, 12> kSuggestions = {{
    {"uk", "gb"},
    {"en", "us"},
    {"usa", "us"},
    {"gbr", "gb"},
    {"ja", "jp"},
    {"ko", "kr"},
    {"da", "dk"},
    {"sv", "se"},
    {"cs", "cz"},
    {"el", "gr"},
    {"he", "il"},
    {"deu", "de"},
}};

std::string to_lower_ascii(std::string_view text) {
  std::string lower(text);
  for (char& c : lower) {
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return lower;
}

}  // namespace

std::span<const Country> supported_countries() { return kCountries; }

std::optional<Country> find_country(std::string_view code) {
  if (code.size() != 2 || !std::isalpha(static_cast<unsigned char>(code[0])) ||
      !std::isalpha(static_cast<unsigned char>(code[1]))) {
    return std::nullopt;
  }
  const std::string lower = to_lower_ascii(code);
  const auto* found = std::ranges::lower_bound(kCountries, lower, {}, &Country::code);
  if (found == kCountries.end() || found->code != lower) {
    return std::nullopt;
  }
  return *found;
}

std::optional<std::string_view> suggest_country(std::string_view code) {
  if (code.size() > 8) {
    return std::nullopt;
  }
  const std::string lower = to_lower_ascii(code);
  for (const auto& [mistake, intended] : kSuggestions) {
    if (lower == mistake) {
      return intended;
    }
  }
  return std::nullopt;
}

std::string_view supported_countries_json() {
  static const std::string json = [] {
    common::JsonWriter writer;
    writer.begin_array();
    for (const Country& country : kCountries) {
      writer.begin_object();
      writer.field("code", country.code);
      writer.field("name", country.name);
      writer.end_object();
    }
    writer.end_array();
    return std::move(writer).take();
  }();
  return json;
}

}  // namespace countryhub::spotify
