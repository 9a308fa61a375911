#pragma once

#include <string>
#include <string_view>

namespace countryhub::spotify {

// Appends `html` to `out` as plain text: each tag (`<` followed by a letter,
// `/`, `!` or `?`, up to the next `>`) is removed, then HTML5 character
// references are decoded as browsers decode them. Nothing is trimmed. A `<`
// that starts no tag, or a tag never closed, stays as text.
void append_plain_text(std::string& out, std::string_view html);

// Returns whether `text` contains a byte that append_plain_text may change.
inline bool may_contain_markup(std::string_view text) {
  return text.find_first_of("<&") != std::string_view::npos;
}

}  // namespace countryhub::spotify
