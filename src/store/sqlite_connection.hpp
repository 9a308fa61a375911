#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "store/sqlite_statement.hpp"

struct sqlite3;

namespace countryhub::store {

// A statement borrowed from a connection's cache; resets it (bindings
// cleared) when the lease ends, so the next user starts clean.
class StatementLease {
 public:
  explicit StatementLease(SqliteStatement& statement) : statement_(&statement) {}
  StatementLease(StatementLease&& other) noexcept : statement_(other.statement_) {
    other.statement_ = nullptr;
  }
  StatementLease(const StatementLease&) = delete;
  StatementLease& operator=(const StatementLease&) = delete;
  StatementLease& operator=(StatementLease&&) = delete;
  ~StatementLease() {
    if (statement_ != nullptr) {
      statement_->reset();
    }
  }

  SqliteStatement* operator->() const { return statement_; }
  SqliteStatement& operator*() const { return *statement_; }

 private:
  SqliteStatement* statement_;
};

// One SQLite connection with its lock and its prepared statements. Each SQL
// text is prepared once, on first use, and kept until the connection closes:
// preparing costs more than running the small statements of the hot path.
// Callers hold lock() while they use the connection.
class SqliteConnection {
 public:
  // Opens `path` read-write (creating it when missing) with a busy timeout.
  // Throws SqliteError.
  explicit SqliteConnection(const std::string& path);
  SqliteConnection(const SqliteConnection&) = delete;
  SqliteConnection& operator=(const SqliteConnection&) = delete;
  ~SqliteConnection();

  sqlite3* handle() const { return db_; }
  std::unique_lock<std::mutex> lock() { return std::unique_lock(mutex_); }
  std::unique_lock<std::mutex> try_lock() { return std::unique_lock(mutex_, std::try_to_lock); }

  // Returns the statement for `sql`, prepared on first use. `sql` must be
  // built from constants only: values are bound, never written into it.
  StatementLease prepare(std::string_view sql);
  // Runs `sql`, which may hold several statements and must not carry values.
  void exec(const std::string& sql);

 private:
  struct TextHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view text) const {
      return std::hash<std::string_view>{}(text);
    }
  };

  sqlite3* db_ = nullptr;
  std::mutex mutex_;
  std::unordered_map<std::string, std::unique_ptr<SqliteStatement>, TextHash, std::equal_to<>>
      statements_;
};

}  // namespace countryhub::store
