#pragma once

#include <memory>
#include <string>

#include <spdlog/spdlog.h>

namespace countryhub::common {

// Returns the named capability logger (`http`, `spotify`, `billing`, `store`,
// `app`), creating it on first use with the process-wide sink and level.
// Thread-safe.
std::shared_ptr<spdlog::logger> logger(const std::string& name);

// Sends every capability logger to stderr at `level` ("debug", "info", ...).
// Call once at startup before threads start.
void configure_logging(const std::string& level);

}  // namespace countryhub::common
