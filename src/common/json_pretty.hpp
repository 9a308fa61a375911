#pragma once

#include <string>
#include <string_view>

namespace countryhub::common {

// Re-indents compact, valid JSON with two spaces per level, for people
// reading command output. Strings are copied byte for byte.
std::string pretty_json(std::string_view compact);

}  // namespace countryhub::common
