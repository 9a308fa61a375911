#pragma once

#include <span>
#include <string_view>

namespace countryhub::store {

// Schema changes in order; migration N (from 1) brings a database from
// version N-1 to N. Append only: a released migration never changes.
std::span<const std::string_view> sqlite_migrations();

}  // namespace countryhub::store
