#pragma once

#include <cstdint>
#include <string>

#include "common/json_writer.hpp"
#include "spotify/model.hpp"

namespace countryhub::spotify {

// Writes `hub` as the contract's CountryHub object, `supportedCountries` and
// `meta` included. Fields without a value are omitted, except those the
// contract always sends (`uri`, `type`, section fields, every meta field).
void write_hub(common::JsonWriter& writer, const CountryHub& hub);

// Formats Unix epoch milliseconds as RFC 3339 UTC with milliseconds
// ("2026-12-04T15:07:33.120Z").
std::string format_rfc3339_ms(std::int64_t epoch_ms);

}  // namespace countryhub::spotify
