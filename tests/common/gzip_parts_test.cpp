#include "common/gzip_parts.hpp"

#include <string>

#include <gtest/gtest.h>
#include <zlib.h>

namespace countryhub::common {
namespace {

// Inflates a whole gzip stream with zlib's own gzip decoder.
std::string gunzip(const std::string& gzip) {
  z_stream stream{};
  EXPECT_EQ(inflateInit2(&stream, 16 + 15), Z_OK);
  std::string out(1 << 20, '\0');
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(gzip.data()));
  stream.avail_in = static_cast<uInt>(gzip.size());
  stream.next_out = reinterpret_cast<Bytef*>(out.data());
  stream.avail_out = static_cast<uInt>(out.size());
  const int rc = inflate(&stream, Z_FINISH);
  EXPECT_EQ(rc, Z_STREAM_END);
  EXPECT_EQ(stream.avail_in, 0u);  // nothing after the trailer
  out.resize(stream.total_out);
  inflateEnd(&stream);
  return out;
}

TEST(GzipParts, HeadAndTailInflateToTheirConcatenation) {
  std::string head;
  for (int i = 0; i < 2000; ++i) {
    head += R"({"uri":"spotify:track:)" + std::to_string(i * 7919) + R"(","type":"Track"},)";
  }
  const DeflatedPart head_part = deflate_part(head, false, Z_BEST_COMPRESSION);
  const std::string tails[] = {"req-1\"}}}", "", std::string(5000, 'x')};
  for (const std::string& tail : tails) {
    const std::string gzip = gzip_from_parts(head_part, deflate_part(tail, true, 1));
    EXPECT_EQ(gunzip(gzip), head + tail);
  }
  EXPECT_LT(head_part.blocks.size(), head.size() / 4);
}

TEST(GzipParts, SeparatePiecesFormTheSameStream) {
  const DeflatedPart head = deflate_part(std::string(3000, 'h'), false, 9);
  const DeflatedPart tail = deflate_part("tail", true, 1);

  const std::string pieces =
      std::string(gzip_header()) + head.blocks + gzip_ending(head, tail);

  EXPECT_EQ(pieces, gzip_from_parts(head, tail));
  EXPECT_EQ(gunzip(pieces), std::string(3000, 'h') + "tail");
}

TEST(GzipParts, EmptyHeadWorks) {
  const std::string gzip =
      gzip_from_parts(deflate_part("", false, 6), deflate_part("only tail", true, 1));
  EXPECT_EQ(gunzip(gzip), "only tail");
}

TEST(AcceptsGzip, ReadsCodingsAndQualities) {
  EXPECT_TRUE(accepts_gzip("gzip"));
  EXPECT_TRUE(accepts_gzip("deflate, gzip;q=0.5"));
  EXPECT_TRUE(accepts_gzip("GZIP"));
  EXPECT_TRUE(accepts_gzip("br, *"));
  EXPECT_TRUE(accepts_gzip("x-gzip"));
  EXPECT_FALSE(accepts_gzip(""));
  EXPECT_FALSE(accepts_gzip("identity"));
  EXPECT_FALSE(accepts_gzip("gzip;q=0"));
  EXPECT_FALSE(accepts_gzip("gzip; q=0.000"));
  EXPECT_FALSE(accepts_gzip("br, deflate"));
  EXPECT_FALSE(accepts_gzip("gzipped"));
}

}  // namespace
}  // namespace countryhub::common
