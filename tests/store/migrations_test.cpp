#include "store/migrations.hpp"

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <memory>
#include <random>
#include <string>

#include <gtest/gtest.h>
#include <sqlite3.h>

#include "store/sqlite_store.hpp"

namespace countryhub::store {
namespace {

// Opens the file with SQLite directly, beside any store connection, to read
// what the store wrote.
class RawDatabase {
 public:
  explicit RawDatabase(const std::string& path) {
    if (sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READWRITE, nullptr) != SQLITE_OK) {
      ADD_FAILURE() << "cannot open " << path << ": " << sqlite3_errmsg(db_);
    }
  }
  RawDatabase(const RawDatabase&) = delete;
  RawDatabase& operator=(const RawDatabase&) = delete;
  ~RawDatabase() { sqlite3_close_v2(db_); }

  // Returns the first column of the first row, or -1 when there is no row.
  std::int64_t query_int(const std::string& sql) {
    sqlite3_stmt* statement = nullptr;
    if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &statement, nullptr) != SQLITE_OK) {
      ADD_FAILURE() << "cannot prepare '" << sql << "': " << sqlite3_errmsg(db_);
      return -1;
    }
    std::int64_t value = -1;
    if (sqlite3_step(statement) == SQLITE_ROW) {
      value = sqlite3_column_int64(statement, 0);
    }
    sqlite3_finalize(statement);
    return value;
  }

  void exec(const std::string& sql) {
    char* message = nullptr;
    if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &message) != SQLITE_OK) {
      ADD_FAILURE() << "'" << sql << "' failed: " << (message != nullptr ? message : "");
    }
    sqlite3_free(message);
  }

 private:
  sqlite3* db_ = nullptr;
};

class MigrationsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::random_device random;
    dir_ = std::filesystem::temp_directory_path() /
           ("countryhub-migrations-" + std::to_string(random()) + std::to_string(random()));
    ASSERT_TRUE(std::filesystem::create_directory(dir_));
  }

  void TearDown() override {
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }

  std::string db_path() const { return (dir_ / "countryhub.db").string(); }

  std::int64_t latest_version() const {
    return static_cast<std::int64_t>(sqlite_migrations().size());
  }

  std::filesystem::path dir_;
};

TEST_F(MigrationsTest, ListIsNotEmpty) { EXPECT_GE(sqlite_migrations().size(), 1u); }

TEST_F(MigrationsTest, FreshDatabaseGetsLatestVersion) {
  auto opened = open_sqlite_store(db_path());
  ASSERT_TRUE(opened) << opened.error().detail;

  RawDatabase raw(db_path());
  EXPECT_EQ(raw.query_int("PRAGMA user_version"), latest_version());
  for (const char* table : {"accounts", "api_keys", "usage_daily"}) {
    EXPECT_EQ(raw.query_int(std::string("SELECT COUNT(*) FROM sqlite_master WHERE type = "
                                        "'table' AND name = '") +
                            table + "'"),
              1)
        << table;
  }
}

TEST_F(MigrationsTest, EmptyExistingFileIsMigrated) {
  std::ofstream(db_path()).close();
  ASSERT_EQ(std::filesystem::file_size(db_path()), 0u);

  auto opened = open_sqlite_store(db_path());
  ASSERT_TRUE(opened) << opened.error().detail;

  RawDatabase raw(db_path());
  EXPECT_EQ(raw.query_int("PRAGMA user_version"), latest_version());
}

TEST_F(MigrationsTest, ReopenKeepsVersionAndRows) {
  {
    auto first = open_sqlite_store(db_path());
    ASSERT_TRUE(first) << first.error().detail;
    auto account = (*first)->create_account("kept@example.com", "free", false, 1000);
    ASSERT_TRUE(account) << account.error().detail;
  }
  // A second run of the migrations would fail on CREATE TABLE, so a
  // successful reopen shows that they were skipped.
  auto second = open_sqlite_store(db_path());
  ASSERT_TRUE(second) << second.error().detail;
  EXPECT_TRUE((*second)->find_account("kept@example.com"));

  RawDatabase raw(db_path());
  EXPECT_EQ(raw.query_int("PRAGMA user_version"), latest_version());
  EXPECT_EQ(raw.query_int("SELECT COUNT(*) FROM accounts"), 1);
}

TEST_F(MigrationsTest, NewerSchemaIsRejected) {
  {
    auto first = open_sqlite_store(db_path());
    ASSERT_TRUE(first) << first.error().detail;
  }
  const std::int64_t newer = latest_version() + 1;
  {
    RawDatabase raw(db_path());
    raw.exec("PRAGMA user_version = " + std::to_string(newer));
  }

  auto reopened = open_sqlite_store(db_path());
  ASSERT_FALSE(reopened);
  EXPECT_EQ(reopened.error().kind, Error::kInvalidSchema);
  EXPECT_NE(reopened.error().detail.find(std::to_string(newer)), std::string::npos)
      << reopened.error().detail;

  RawDatabase raw(db_path());
  EXPECT_EQ(raw.query_int("PRAGMA user_version"), newer);
}

}  // namespace
}  // namespace countryhub::store
