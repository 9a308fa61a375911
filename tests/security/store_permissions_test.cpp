// The database and SQLite's -wal and -shm files beside it are readable and
// writable by their owner only, whichever program creates them and whatever
// the umask, because they contain key hashes and every account's usage.
#include <sys/stat.h>

#include "integration/service_fixture.hpp"

namespace countryhub::testing {
namespace {

// Sets the umask for the scope. A umask of 0 lets through any mode a program
// requests, so only the program's own choice keeps the files private.
class ScopedUmask {
 public:
  explicit ScopedUmask(mode_t mask) : previous_(::umask(mask)) {}
  ~ScopedUmask() { ::umask(previous_); }
  ScopedUmask(const ScopedUmask&) = delete;
  ScopedUmask& operator=(const ScopedUmask&) = delete;

 private:
  mode_t previous_;
};

class StorePermissionsTest : public ServiceTest {
 protected:
  // Checks that each existing database file has no group or other bits,
  // and that the write-ahead log files exist.
  void expect_owner_only() {
    for (const char* suffix : {"", "-wal", "-shm"}) {
      const auto path = dir_.path() / (std::string("countryhub.db") + suffix);
      struct stat status {};
      ASSERT_EQ(::stat(path.c_str(), &status), 0) << path << " is missing";
      EXPECT_EQ(status.st_mode & 0777, 0600u) << path;
    }
  }
};

TEST_F(StorePermissionsTest, ServerCreatedFilesAreOwnerOnly) {
  ScopedUmask permissive(0);
  start_replaying_service();
  expect_owner_only();
}

TEST_F(StorePermissionsTest, CliCreatedFilesAreOwnerOnly) {
  ScopedUmask permissive(0);
  const std::string key = account_with_key("perm@example.com", "free");
  struct stat status {};
  ASSERT_EQ(::stat((dir_.path() / "countryhub.db").c_str(), &status), 0);
  EXPECT_EQ(status.st_mode & 0777, 0600u);
  start_replaying_service();
  ASSERT_EQ(get_hub("", key).status, 200);
  expect_owner_only();
}

}  // namespace
}  // namespace countryhub::testing
