#pragma once

#include <cstdint>
#include <functional>

#include "common/time_format.hpp"

namespace countryhub::common {

// Returns Unix epoch milliseconds. Tests inject a fixed or stepping clock.
using Clock = std::function<std::int64_t()>;

inline Clock system_clock() { return &now_epoch_ms; }

}  // namespace countryhub::common
