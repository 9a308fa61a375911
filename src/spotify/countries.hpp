#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace countryhub::spotify {

// A market that has a "popular in" hub: lower-case ISO 3166-1 alpha-2 code and
// English short name.
struct Country {
  std::string_view code;
  std::string_view name;
};

// Returns the supported-country catalogue, sorted by code. The data is compiled
// into the binary and lives for the whole program.
std::span<const Country> supported_countries();

// Finds `code` in the catalogue in any letter case; nullopt when it is not two
// ASCII letters or not a supported market.
std::optional<Country> find_country(std::string_view code);

// Suggests the supported code a caller probably meant (`uk` gives `gb`, `en`
// gives `us`); nullopt when no suggestion is obvious.
std::optional<std::string_view> suggest_country(std::string_view code);

// Returns the JSON array `[{"code":"ad","name":"Andorra"},...]` of the whole
// catalogue, built once on first use and shared by every response.
std::string_view supported_countries_json();

}  // namespace countryhub::spotify
