#pragma once

#include <memory>
#include <string>

#include "store/store.hpp"

namespace countryhub::store {

// Opens (creating with mode 0600 when missing) and migrates the SQLite
// database at `path`, in WAL mode: one connection writes, a few others read
// beside it, and a background thread checkpoints (see StoreOptions).
Result<std::unique_ptr<Store>> open_sqlite_store(const std::string& path,
                                                 const StoreOptions& options = {});

}  // namespace countryhub::store
