#include "store/store.hpp"

#include <filesystem>
#include <random>
#include <string>

#include <gtest/gtest.h>

namespace countryhub::store {
namespace {

class OpenStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::random_device random;
    dir_ = std::filesystem::temp_directory_path() /
           ("countryhub-url-" + std::to_string(random()) + std::to_string(random()));
    ASSERT_TRUE(std::filesystem::create_directory(dir_));
  }

  void TearDown() override {
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }

  std::filesystem::path dir_;
};

TEST_F(OpenStoreTest, OpensSqliteUrl) {
  const std::string path = (dir_ / "url.db").string();

  auto opened = open_store("sqlite:" + path);
  ASSERT_TRUE(opened) << opened.error().detail;
  EXPECT_TRUE((*opened)->ping());
  EXPECT_TRUE(std::filesystem::exists(path));
}

TEST_F(OpenStoreTest, RejectsSqliteUrlWithoutPath) {
  auto opened = open_store("sqlite:");
  ASSERT_FALSE(opened);
  EXPECT_EQ(opened.error().kind, Error::kUnavailable);
}

TEST_F(OpenStoreTest, RejectsOtherSchemes) {
  for (const char* url :
       {"", "postgresql://127.0.0.1/countryhub", "sqlite", "file:countryhub.db"}) {
    auto opened = open_store(url);
    ASSERT_FALSE(opened) << url;
    EXPECT_EQ(opened.error().kind, Error::kUnavailable) << url;
  }
}

}  // namespace
}  // namespace countryhub::store
