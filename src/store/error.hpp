#pragma once

#include <string>

#include <boost/system/result.hpp>

namespace countryhub::store {

enum class Error {
  kNotFound,       // no row matches the id, email or hash
  kConflict,       // a unique value (email, key hash) already exists
  kUnavailable,    // the database could not be opened, locked too long, or the disk failed
  kInvalidSchema,  // the database was written by a newer countryhub
};

struct StoreError {
  Error kind;
  std::string detail;
};

[[noreturn]] void throw_exception_from_error(const StoreError& error,
                                             const boost::source_location& location);

template <class T>
using Result = boost::system::result<T, StoreError>;

}  // namespace countryhub::store
