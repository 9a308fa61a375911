#include "common/time_format.hpp"

#include <charconv>
#include <chrono>

namespace countryhub::common {
namespace {

bool read_number(std::string_view text, std::size_t offset, std::size_t width, int& value) {
  if (offset + width > text.size()) {
    return false;
  }
  const char* begin = text.data() + offset;
  const auto [end, ec] = std::from_chars(begin, begin + width, value);
  return ec == std::errc() && end == begin + width;
}

}  // namespace

std::optional<std::int64_t> parse_rfc3339_utc_ms(std::string_view text) {
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
  if (text.size() < 20 || text[4] != '-' || text[7] != '-' || (text[10] != 'T' && text[10] != 't') ||
      text[13] != ':' || text[16] != ':' || !read_number(text, 0, 4, year) ||
      !read_number(text, 5, 2, month) || !read_number(text, 8, 2, day) ||
      !read_number(text, 11, 2, hour) || !read_number(text, 14, 2, minute) ||
      !read_number(text, 17, 2, second)) {
    return std::nullopt;
  }
  std::size_t pos = 19;
  int millis = 0;
  if (text[pos] == '.') {
    int digits = 0;
    for (++pos; pos < text.size() && text[pos] >= '0' && text[pos] <= '9'; ++pos, ++digits) {
      if (digits < 3) {
        millis = millis * 10 + (text[pos] - '0');
      }
    }
    if (digits == 0) {
      return std::nullopt;
    }
    for (; digits < 3; ++digits) {
      millis *= 10;
    }
  }
  if (pos + 1 != text.size() || (text[pos] != 'Z' && text[pos] != 'z')) {
    return std::nullopt;
  }
  const std::chrono::year_month_day date{std::chrono::year(year),
                                         std::chrono::month(static_cast<unsigned>(month)),
                                         std::chrono::day(static_cast<unsigned>(day))};
  if (!date.ok() || hour > 23 || minute > 59 || second > 60) {
    return std::nullopt;
  }
  const auto days = std::chrono::sys_days(date).time_since_epoch();
  const auto total = std::chrono::duration_cast<std::chrono::milliseconds>(days) +
                     std::chrono::hours(hour) + std::chrono::minutes(minute) +
                     std::chrono::seconds(second) + std::chrono::milliseconds(millis);
  return total.count();
}

std::int64_t now_epoch_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace countryhub::common
