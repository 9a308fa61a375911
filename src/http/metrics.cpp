#include "http/metrics.hpp"

#include <fmt/format.h>

namespace countryhub::http {
namespace {

constexpr const char* kRouteNames[] = {"data", "usage", "ops", "other"};

}  // namespace

void Metrics::record(Route route, unsigned status, std::int64_t latency_ms) {
  const std::size_t status_class = status >= 100 && status < 600 ? status / 100 - 1 : 4;
  requests_[static_cast<std::size_t>(route)][status_class].fetch_add(1, std::memory_order_relaxed);
  if (route != Route::kData) {
    return;
  }
  std::size_t bucket = 0;
  while (bucket < kBucketsMs.size() && latency_ms > kBucketsMs[bucket]) {
    ++bucket;
  }
  data_latency_buckets_[bucket].fetch_add(1, std::memory_order_relaxed);
  data_latency_sum_ms_.fetch_add(static_cast<std::uint64_t>(std::max<std::int64_t>(latency_ms, 0)),
                                 std::memory_order_relaxed);
}

void Metrics::render(std::string& out) const {
  out += "# HELP countryhub_http_requests_total Requests answered, by route and status class.\n";
  out += "# TYPE countryhub_http_requests_total counter\n";
  for (std::size_t route = 0; route < kRouteCount; ++route) {
    for (std::size_t status_class = 0; status_class < kClassCount; ++status_class) {
      fmt::format_to(std::back_inserter(out),
                     "countryhub_http_requests_total{{route=\"{}\",code=\"{}xx\"}} {}\n",
                     kRouteNames[route], status_class + 1,
                     requests_[route][status_class].load(std::memory_order_relaxed));
    }
  }
  out += "# HELP countryhub_data_request_duration_seconds Latency of the data endpoint.\n";
  out += "# TYPE countryhub_data_request_duration_seconds histogram\n";
  std::uint64_t cumulative = 0;
  for (std::size_t bucket = 0; bucket <= kBucketsMs.size(); ++bucket) {
    cumulative += data_latency_buckets_[bucket].load(std::memory_order_relaxed);
    const std::string bound =
        bucket < kBucketsMs.size() ? fmt::format("{}", kBucketsMs[bucket] / 1000.0) : "+Inf";
    fmt::format_to(std::back_inserter(out),
                   "countryhub_data_request_duration_seconds_bucket{{le=\"{}\"}} {}\n", bound,
                   cumulative);
  }
  fmt::format_to(std::back_inserter(out),
                 "countryhub_data_request_duration_seconds_sum {}\n"
                 "countryhub_data_request_duration_seconds_count {}\n",
                 data_latency_sum_ms_.load(std::memory_order_relaxed) / 1000.0, cumulative);
}

}  // namespace countryhub::http
