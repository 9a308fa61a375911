#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

struct sqlite3;
struct sqlite3_stmt;

namespace countryhub::store {

// A prepared SQLite statement with typed binds and column reads. Parameters
// are bound by position from 1, so SQL never carries caller text. Reset
// after each use; not thread-safe.
class SqliteStatement {
 public:
  SqliteStatement(sqlite3* db, std::string_view sql);
  SqliteStatement(const SqliteStatement&) = delete;
  SqliteStatement& operator=(const SqliteStatement&) = delete;
  ~SqliteStatement();

  SqliteStatement& bind(int index, std::int64_t value);
  SqliteStatement& bind(int index, std::string_view value);
  SqliteStatement& bind(int index, const std::optional<std::int64_t>& value);

  // Advances to the next row; returns false when done. Throws SqliteError on failure.
  bool step();
  void reset();

  std::int64_t column_int(int index) const;
  std::optional<std::int64_t> column_optional_int(int index) const;
  std::string column_text(int index) const;

 private:
  sqlite3* db_;
  sqlite3_stmt* statement_ = nullptr;
};

// Thrown by SqliteStatement and converted to store::Error at the store's boundary.
struct SqliteError {
  int code;
  std::string message;
};

}  // namespace countryhub::store
