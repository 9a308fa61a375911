#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace countryhub::common {

// Parses an RFC 3339 UTC timestamp ("2026-06-05T14:23:00Z", optionally with
// a fraction of a second) into Unix epoch milliseconds; nullopt when the text
// is not of that form. Offsets other than Z are not accepted.
std::optional<std::int64_t> parse_rfc3339_utc_ms(std::string_view text);

// Returns the current Unix epoch time in milliseconds.
std::int64_t now_epoch_ms();

}  // namespace countryhub::common
