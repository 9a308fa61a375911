#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace countryhub::common {

// Text compressed as raw deflate blocks, with what a gzip trailer needs.
struct DeflatedPart {
  std::string blocks;
  std::uint32_t crc32 = 0;  // of the uncompressed text
  std::size_t size = 0;     // uncompressed bytes
};

// Compresses `text` into deflate blocks that another part can follow: the
// output ends on a byte boundary (sync flush) without a final block, unless
// `is_last` is set. Throws std::runtime_error when zlib fails.
DeflatedPart deflate_part(std::string_view text, bool is_last, int level);

// Builds one gzip member (RFC 1952) from `head` followed by `tail`, where
// `tail` was made with is_last. Deflate blocks only refer back within their
// own part, so a head compressed once can be reused with any tail.
std::string gzip_from_parts(const DeflatedPart& head, const DeflatedPart& tail);

// Returns the pieces gzip_from_parts joins, for a caller that sends them
// without joining: the 10-byte header goes before head.blocks, and the
// ending (tail.blocks, CRC-32 and size) after them.
std::string_view gzip_header();
std::string gzip_ending(const DeflatedPart& head, const DeflatedPart& tail);

// Returns whether an Accept-Encoding value accepts gzip (a `gzip` or `*`
// coding whose q is not 0).
bool accepts_gzip(std::string_view accept_encoding);

}  // namespace countryhub::common
