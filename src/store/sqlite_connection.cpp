#include "store/sqlite_connection.hpp"

#include <sqlite3.h>

namespace countryhub::store {
namespace {

constexpr int kBusyTimeoutMs = 5000;

}  // namespace

SqliteConnection::SqliteConnection(const std::string& path) {
  // NOMUTEX: this class serializes use of the connection itself.
  const int rc = sqlite3_open_v2(path.c_str(), &db_,
                                 SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                                 nullptr);
  if (rc != SQLITE_OK) {
    std::string message = db_ != nullptr ? sqlite3_errmsg(db_) : sqlite3_errstr(rc);
    sqlite3_close_v2(db_);
    throw SqliteError{rc, std::move(message)};
  }
  sqlite3_busy_timeout(db_, kBusyTimeoutMs);
}

SqliteConnection::~SqliteConnection() {
  statements_.clear();  // finalized before the connection closes
  sqlite3_close_v2(db_);
}

StatementLease SqliteConnection::prepare(std::string_view sql) {
  auto found = statements_.find(sql);
  if (found == statements_.end()) {
    found = statements_.emplace(std::string(sql), std::make_unique<SqliteStatement>(db_, sql)).first;
  }
  return StatementLease(*found->second);
}

void SqliteConnection::exec(const std::string& sql) {
  char* message = nullptr;
  const int rc = sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &message);
  if (rc != SQLITE_OK) {
    std::string text = message != nullptr ? message : sqlite3_errstr(rc);
    sqlite3_free(message);
    throw SqliteError{sqlite3_extended_errcode(db_), std::move(text)};
  }
}

}  // namespace countryhub::store
