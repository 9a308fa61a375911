#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace countryhub::common {

// Returns at most `max_bytes` of `text` that are safe in a JSON string and a
// log line: valid UTF-8 is kept, control characters and invalid bytes become
// '?', and a cut is marked with "...". For upstream snippets in messages.
std::string printable_excerpt(std::string_view text, std::size_t max_bytes);

}  // namespace countryhub::common
