#pragma once

#include <memory>
#include <string>

#include "store/store.hpp"

namespace countryhub::store {

// Opens (creating with mode 0600 when missing) and migrates the SQLite
// database at `path`, in WAL mode with full fsync on commit.
Result<std::unique_ptr<Store>> open_sqlite_store(const std::string& path);

}  // namespace countryhub::store
