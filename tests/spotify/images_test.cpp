#include "spotify/images.hpp"

#include <gtest/gtest.h>

namespace countryhub::spotify {
namespace {

class FinishImages : public ::testing::Test {
 protected:
  std::pmr::vector<Image> images_{std::pmr::new_delete_resource()};

  void add(std::string_view url, std::optional<std::int64_t> width,
           std::optional<std::int64_t> height) {
    images_.push_back(Image{url, width, height});
  }
};

TEST_F(FinishImages, SortsLargestFirst) {
  add("https://i.scdn.co/image/ab67616d00001e02aa", 300, 300);
  add("https://i.scdn.co/image/ab67616d00004851aa", 64, 64);
  add("https://i.scdn.co/image/ab67616d0000b273aa", 640, 640);
  finish_images(images_);
  ASSERT_EQ(images_.size(), 3u);
  EXPECT_EQ(images_[0].width, 640);
  EXPECT_EQ(images_[1].width, 300);
  EXPECT_EQ(images_[2].width, 64);
}

TEST_F(FinishImages, FillsSizesFromKnownScdnCodes) {
  add("https://i.scdn.co/image/ab67616d00004851bb", std::nullopt, std::nullopt);
  add("https://i.scdn.co/image/ab67616d0000b273bb", std::nullopt, std::nullopt);
  add("https://i.scdn.co/image/ab6761610000f178bb", std::nullopt, std::nullopt);
  finish_images(images_);
  EXPECT_EQ(images_[0].width, 640);
  EXPECT_EQ(images_[0].height, 640);
  EXPECT_EQ(images_[1].width, 160);
  EXPECT_EQ(images_[2].height, 64);
}

TEST_F(FinishImages, KeepsUnknownSizesLastInSourceOrder) {
  add("https://charts-images.scdn.co/a.jpg", std::nullopt, std::nullopt);
  add("https://i.scdn.co/image/ab67706f00000002cc", std::nullopt, std::nullopt);
  add("https://i.scdn.co/image/ab67616d00004851cc", 64, 64);
  finish_images(images_);
  EXPECT_EQ(images_[0].url, "https://i.scdn.co/image/ab67616d00004851cc");
  EXPECT_EQ(images_[1].url, "https://charts-images.scdn.co/a.jpg");
  EXPECT_FALSE(images_[1].width.has_value());
  EXPECT_EQ(images_[2].url, "https://i.scdn.co/image/ab67706f00000002cc");
}

TEST_F(FinishImages, KeepsFirstCopyOfDuplicateUrl) {
  add("https://example.test/x", std::nullopt, std::nullopt);
  add("https://example.test/y", 10, 10);
  add("https://example.test/x", 640, 640);
  finish_images(images_);
  ASSERT_EQ(images_.size(), 2u);
  EXPECT_EQ(images_[0].url, "https://example.test/y");
  EXPECT_EQ(images_[1].url, "https://example.test/x");
  EXPECT_FALSE(images_[1].width.has_value());
}

TEST_F(FinishImages, UsesKnownSideForMissingSide) {
  add("https://example.test/wide", 200, std::nullopt);  // area 200 x 200
  add("https://example.test/tall", 100, 300);           // area 100 x 300
  finish_images(images_);
  EXPECT_EQ(images_[0].url, "https://example.test/wide");
  EXPECT_FALSE(images_[0].height.has_value());
}

TEST(SizeFromImageUrl, IgnoresOtherHostsAndCodes) {
  EXPECT_EQ(size_from_image_url("https://i.scdn.co/image/ab67616d00001e02ff"), 300);
  EXPECT_FALSE(size_from_image_url("https://x.test/image/ab67616d00001e02ff"));
  EXPECT_FALSE(size_from_image_url("https://i.scdn.co/image/ab67706f00000002ff"));
  EXPECT_FALSE(size_from_image_url("https://i.scdn.co/image/ab67"));
}

}  // namespace
}  // namespace countryhub::spotify
