#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <string>

namespace countryhub::http {

// Request counters and latency histogram for /metrics, in Prometheus text
// format. Lock-free; every server thread records into one instance.
class Metrics {
 public:
  enum class Route { kData, kUsage, kOps, kOther };

  void record(Route route, unsigned status, std::int64_t latency_ms);

  // Appends the metrics in Prometheus text exposition format to `out`.
  void render(std::string& out) const;

 private:
  static constexpr std::size_t kRouteCount = 4;
  // Status classes 1xx..5xx, indexed by status / 100 - 1.
  static constexpr std::size_t kClassCount = 5;
  static constexpr std::array<std::int64_t, 10> kBucketsMs = {1, 2, 5, 10, 25, 50, 100, 250, 1000, 5000};

  std::array<std::array<std::atomic<std::uint64_t>, kClassCount>, kRouteCount> requests_{};
  std::array<std::atomic<std::uint64_t>, kBucketsMs.size() + 1> data_latency_buckets_{};
  std::atomic<std::uint64_t> data_latency_sum_ms_{0};
};

}  // namespace countryhub::http
