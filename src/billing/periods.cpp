#include "billing/periods.hpp"

#include <chrono>

#include <fmt/format.h>

namespace countryhub::billing {

Periods periods_at(std::int64_t epoch_ms) {
  using namespace std::chrono;
  const sys_time<milliseconds> time{milliseconds(epoch_ms)};
  const sys_days day = floor<days>(time);
  const year_month_day date{day};
  const year_month next_month = date.year() / date.month() + months(1);

  Periods periods;
  periods.day = fmt::format("{:04}-{:02}-{:02}", static_cast<int>(date.year()),
                            static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()));
  periods.month = periods.day.substr(0, 7);
  periods.day_end_ms = duration_cast<milliseconds>((day + days(1)).time_since_epoch()).count();
  periods.month_start_ms = duration_cast<milliseconds>(
                               sys_days(date.year() / date.month() / 1).time_since_epoch())
                               .count();
  periods.month_end_ms =
      duration_cast<milliseconds>(sys_days(next_month / 1).time_since_epoch()).count();
  return periods;
}

std::int64_t seconds_until(std::int64_t now_ms, std::int64_t end_ms) {
  const std::int64_t remaining_ms = end_ms - now_ms;
  if (remaining_ms <= 0) {
    return 1;
  }
  return (remaining_ms + 999) / 1000;
}

}  // namespace countryhub::billing
