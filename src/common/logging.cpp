#include "common/logging.hpp"

#include <mutex>

#include <spdlog/sinks/stdout_sinks.h>

namespace countryhub::common {
namespace {

std::mutex& logger_mutex() {
  static std::mutex mutex;
  return mutex;
}

}  // namespace

std::shared_ptr<spdlog::logger> logger(const std::string& name) {
  std::lock_guard lock(logger_mutex());
  if (auto existing = spdlog::get(name)) {
    return existing;
  }
  auto created = std::make_shared<spdlog::logger>(
      name, std::make_shared<spdlog::sinks::stderr_sink_mt>());
  created->set_level(spdlog::get_level());
  created->set_pattern("%Y-%m-%dT%H:%M:%S.%eZ %l %n %v", spdlog::pattern_time_type::utc);
  spdlog::register_logger(created);
  return created;
}

void configure_logging(const std::string& level) {
  spdlog::set_level(spdlog::level::from_str(level));
  spdlog::apply_all([&](const std::shared_ptr<spdlog::logger>& existing) {
    existing->set_level(spdlog::get_level());
  });
}

}  // namespace countryhub::common
