#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <sys/stat.h>

#include <gtest/gtest.h>

#include "store/sqlite_store.hpp"

namespace countryhub::store {
namespace {

class SqliteStoreOpenTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::random_device random;
    dir_ = std::filesystem::temp_directory_path() /
           ("countryhub-open-" + std::to_string(random()) + std::to_string(random()));
    ASSERT_TRUE(std::filesystem::create_directory(dir_));
  }

  void TearDown() override {
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }

  std::string db_path() const { return (dir_ / "countryhub.db").string(); }

  std::filesystem::path dir_;
};

// Returns the permission bits of `path`, or -1 when it cannot be read.
int permission_bits(const std::string& path) {
  struct stat info {};
  if (::stat(path.c_str(), &info) != 0) {
    return -1;
  }
  return static_cast<int>(info.st_mode & 0777);
}

// Clears the process umask for one scope, so that a file's mode shows what
// the code asked for and not what the umask removed.
class ZeroUmask {
 public:
  ZeroUmask() : saved_(::umask(0)) {}
  ZeroUmask(const ZeroUmask&) = delete;
  ZeroUmask& operator=(const ZeroUmask&) = delete;
  ~ZeroUmask() { ::umask(saved_); }

 private:
  mode_t saved_;
};

TEST_F(SqliteStoreOpenTest, CreatesFileOwnerOnly) {
  ZeroUmask zero_umask;
  auto opened = open_sqlite_store(db_path());
  ASSERT_TRUE(opened) << opened.error().detail;

  EXPECT_EQ(permission_bits(db_path()), 0600);
}

TEST_F(SqliteStoreOpenTest, WriteAheadLogIsOwnerOnly) {
  ZeroUmask zero_umask;
  auto opened = open_sqlite_store(db_path());
  ASSERT_TRUE(opened) << opened.error().detail;
  ASSERT_TRUE((*opened)->create_account("wal@example.com", "free", false, 1));

  // The -wal file exists only in WAL mode, and contains key hashes until a
  // checkpoint, so it must be as private as the database.
  const std::string wal_path = db_path() + "-wal";
  ASSERT_TRUE(std::filesystem::exists(wal_path));
  EXPECT_EQ(permission_bits(wal_path), 0600);
  const std::string shm_path = db_path() + "-shm";
  ASSERT_TRUE(std::filesystem::exists(shm_path));
  EXPECT_EQ(permission_bits(shm_path), 0600);
}

TEST_F(SqliteStoreOpenTest, MissingFolderIsUnavailable) {
  const std::string path = (dir_ / "absent" / "countryhub.db").string();

  auto opened = open_sqlite_store(path);
  ASSERT_FALSE(opened);
  EXPECT_EQ(opened.error().kind, Error::kUnavailable);
  EXPECT_NE(opened.error().detail.find(path), std::string::npos) << opened.error().detail;
  EXPECT_FALSE(std::filesystem::exists(path));
}

TEST_F(SqliteStoreOpenTest, FileOfOtherFormatIsUnavailable) {
  {
    std::ofstream file(db_path(), std::ios::binary);
    file << std::string(8192, 'x');
  }

  auto opened = open_sqlite_store(db_path());
  ASSERT_FALSE(opened);
  EXPECT_EQ(opened.error().kind, Error::kUnavailable);
}

TEST_F(SqliteStoreOpenTest, AnswersPing) {
  auto opened = open_sqlite_store(db_path());
  ASSERT_TRUE(opened) << opened.error().detail;

  EXPECT_TRUE((*opened)->ping());
}

TEST_F(SqliteStoreOpenTest, InMemoryDatabaseCreatesNoFile) {
  auto opened = open_sqlite_store(":memory:");
  ASSERT_TRUE(opened) << opened.error().detail;

  EXPECT_TRUE((*opened)->create_account("memory@example.com", "free", false, 1));
  EXPECT_FALSE(std::filesystem::exists(":memory:"));
}

TEST_F(SqliteStoreOpenTest, DataSurvivesReopen) {
  std::int64_t account_id = 0;
  {
    auto opened = open_sqlite_store(db_path());
    ASSERT_TRUE(opened) << opened.error().detail;
    Store& store = **opened;
    auto account = store.create_account("durable@example.com", "growth", true, 1000);
    ASSERT_TRUE(account) << account.error().detail;
    account_id = account->id;

    KeyRecord key;
    key.account_id = account_id;
    key.key_hash = std::string(64, 'a');
    key.display_prefix = "chub_durable";
    key.created_at_ms = 2000;
    ASSERT_TRUE(store.insert_key(key, true));

    ChargeRequest charge;
    charge.account_id = account_id;
    charge.credits = 3;
    charge.day = "2026-03-04";
    charge.month = "2026-03";
    ASSERT_TRUE(store.charge(charge));
  }

  auto reopened = open_sqlite_store(db_path());
  ASSERT_TRUE(reopened) << reopened.error().detail;
  Store& store = **reopened;

  auto account = store.find_account("durable@example.com");
  ASSERT_TRUE(account) << account.error().detail;
  EXPECT_EQ(account->id, account_id);
  EXPECT_EQ(account->plan, "growth");
  EXPECT_TRUE(account->has_overage);

  auto key = store.find_key_by_hash(std::string(64, 'a'));
  ASSERT_TRUE(key) << key.error().detail;
  EXPECT_EQ(key->display_prefix, "chub_durable");
  EXPECT_TRUE(key->is_active);

  auto credits = store.month_credits(account_id, "2026-03");
  ASSERT_TRUE(credits) << credits.error().detail;
  EXPECT_EQ(*credits, 3);
}

}  // namespace
}  // namespace countryhub::store
