#pragma once

#include <cstdint>
#include <string>

namespace countryhub::billing {

// Billing periods are calendar days and months in UTC.
struct Periods {
  std::string day;    // YYYY-MM-DD
  std::string month;  // YYYY-MM
  std::int64_t month_start_ms = 0;  // first instant of the UTC month, Unix epoch ms
  std::int64_t day_end_ms = 0;    // start of the next UTC day, Unix epoch ms
  std::int64_t month_end_ms = 0;  // start of the next UTC month, Unix epoch ms
};

// Returns the periods that contain `epoch_ms`.
Periods periods_at(std::int64_t epoch_ms);

// Returns whole seconds from `now_ms` until `end_ms`, rounded up, at least 1.
std::int64_t seconds_until(std::int64_t now_ms, std::int64_t end_ms);

}  // namespace countryhub::billing
