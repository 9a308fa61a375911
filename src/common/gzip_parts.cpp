#include "common/gzip_parts.hpp"

#include <cctype>
#include <stdexcept>

#include <zlib.h>

namespace countryhub::common {
namespace {

void append_le32(std::string& out, std::uint32_t value) {
  for (int i = 0; i < 4; ++i) {
    out += static_cast<char>((value >> (8 * i)) & 0xFF);
  }
}

std::string lower_case(std::string_view text) {
  std::string lowered(text);
  for (char& c : lowered) {
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return lowered;
}

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) {
    text.remove_prefix(1);
  }
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) {
    text.remove_suffix(1);
  }
  return text;
}

// Returns false for a coding whose parameters set q to zero ("gzip;q=0").
bool is_acceptable(std::string_view parameters) {
  const auto q = parameters.find("q=");
  if (q == std::string_view::npos) {
    return true;
  }
  const std::string_view value = trim(parameters.substr(q + 2));
  return value.find_first_not_of("0.") != std::string_view::npos;
}

}  // namespace

DeflatedPart deflate_part(std::string_view text, bool is_last, int level) {
  z_stream stream{};
  // Negative window bits: raw deflate, no zlib or gzip wrapper of its own.
  if (deflateInit2(&stream, level, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
    throw std::runtime_error("deflateInit2 failed");
  }
  DeflatedPart part;
  part.size = text.size();
  part.crc32 = static_cast<std::uint32_t>(
      crc32(0, reinterpret_cast<const Bytef*>(text.data()), static_cast<uInt>(text.size())));
  part.blocks.resize(deflateBound(&stream, static_cast<uLong>(text.size())) + 16);
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(text.data()));
  stream.avail_in = static_cast<uInt>(text.size());
  stream.next_out = reinterpret_cast<Bytef*>(part.blocks.data());
  stream.avail_out = static_cast<uInt>(part.blocks.size());
  const int rc = deflate(&stream, is_last ? Z_FINISH : Z_SYNC_FLUSH);
  const bool is_complete = is_last ? rc == Z_STREAM_END : rc == Z_OK && stream.avail_in == 0;
  part.blocks.resize(stream.total_out);
  deflateEnd(&stream);
  if (!is_complete) {
    throw std::runtime_error("deflate did not complete");
  }
  return part;
}

std::string_view gzip_header() {
  // Magic, deflate, no flags, no mtime, no extra flags, OS unknown.
  return {"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff", 10};
}

std::string gzip_ending(const DeflatedPart& head, const DeflatedPart& tail) {
  std::string ending;
  ending.reserve(tail.blocks.size() + 8);
  ending += tail.blocks;
  const auto crc = static_cast<std::uint32_t>(
      crc32_combine(head.crc32, tail.crc32, static_cast<z_off_t>(tail.size)));
  append_le32(ending, crc);
  append_le32(ending, static_cast<std::uint32_t>(head.size + tail.size));
  return ending;
}

std::string gzip_from_parts(const DeflatedPart& head, const DeflatedPart& tail) {
  std::string gzip;
  gzip.reserve(18 + head.blocks.size() + tail.blocks.size());
  gzip += gzip_header();
  gzip += head.blocks;
  gzip += gzip_ending(head, tail);
  return gzip;
}

bool accepts_gzip(std::string_view accept_encoding) {
  const std::string lowered = lower_case(accept_encoding);
  std::string_view rest = lowered;
  while (!rest.empty()) {
    const auto comma = rest.find(',');
    const std::string_view item = trim(rest.substr(0, comma));
    rest.remove_prefix(comma == std::string_view::npos ? rest.size() : comma + 1);
    const auto semicolon = item.find(';');
    const std::string_view coding = trim(item.substr(0, semicolon));
    const std::string_view parameters =
        semicolon == std::string_view::npos ? std::string_view() : item.substr(semicolon + 1);
    if ((coding == "gzip" || coding == "x-gzip" || coding == "*") && is_acceptable(parameters)) {
      return true;
    }
  }
  return false;
}

}  // namespace countryhub::common
