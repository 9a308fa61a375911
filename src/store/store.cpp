#include "store/store.hpp"

#include <stdexcept>

#include <fmt/format.h>

#include "store/sqlite_store.hpp"

namespace countryhub::store {

void throw_exception_from_error(const StoreError& error, const boost::source_location&) {
  throw std::runtime_error(error.detail);
}

Result<std::unique_ptr<Store>> open_store(std::string_view url, const StoreOptions& options) {
  constexpr std::string_view kSqliteScheme = "sqlite:";
  if (url.starts_with(kSqliteScheme)) {
    const std::string path(url.substr(kSqliteScheme.size()));
    if (path.empty()) {
      return StoreError{Error::kUnavailable, "database URL 'sqlite:' names no file"};
    }
    return open_sqlite_store(path, options);
  }
  // TODO: postgresql:// URLs, for several instances sharing one store.
  return StoreError{Error::kUnavailable,
                    fmt::format("unsupported database URL '{}'; use sqlite:PATH", url)};
}

}  // namespace countryhub::store
