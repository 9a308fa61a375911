#pragma once

#include <string>
#include <string_view>

namespace countryhub::common {

// Returns a new random request id: 16 lower-case hex digits. Thread-safe.
std::string new_request_id();

// Returns whether a client-supplied request id is safe to echo in headers and
// logs: 1 to 64 characters of [A-Za-z0-9._-].
bool is_sane_request_id(std::string_view id);

}  // namespace countryhub::common
