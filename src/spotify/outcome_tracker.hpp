#pragma once

#include <cstdint>
#include <mutex>
#include <string>

#include <fmt/format.h>

#include "common/time_format.hpp"
#include "spotify/hub_client.hpp"

namespace countryhub::spotify {

// Remembers when the last hub was fetched and why the last fetch failed, for
// HubClient::status(). Thread-safe.
class OutcomeTracker {
 public:
  void record_success() {
    std::lock_guard lock(mutex_);
    last_success_ms_ = common::now_epoch_ms();
  }

  void record_failure(const FetchFailure& failure) {
    std::lock_guard lock(mutex_);
    last_failure_ = fmt::format("{}: {}", stage_name(failure.stage), error_name(failure.kind));
  }

  // Fills `last_success_ms` and `last_failure` of `status`.
  void fill(UpstreamStatus& status) const {
    std::lock_guard lock(mutex_);
    status.last_success_ms = last_success_ms_;
    status.last_failure = last_failure_;
  }

 private:
  mutable std::mutex mutex_;
  std::int64_t last_success_ms_ = 0;
  std::string last_failure_;
};

}  // namespace countryhub::spotify
