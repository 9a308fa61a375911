#pragma once

#include <string>
#include <vector>

#include "app/settings.hpp"

namespace countryhub::app {

// Runs `countryhub serve`: opens the store, builds the Spotify client and the
// HTTP server from `settings`, serves until SIGTERM or SIGINT, drains, and
// returns the process exit code (non-zero for invalid configuration). On
// SIGHUP it reads `serve_args`, the environment and the configuration file
// again and applies the upstream settings without a restart.
int run_serve_command(const Settings& settings, std::vector<std::string> serve_args);

}  // namespace countryhub::app
