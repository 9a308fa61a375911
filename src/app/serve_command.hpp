#pragma once

#include "app/settings.hpp"

namespace countryhub::app {

// Runs `countryhub serve`: opens the store, builds the Spotify client and the
// HTTP server from `settings`, serves until SIGTERM or SIGINT, drains, and
// returns the process exit code (non-zero for invalid configuration).
int run_serve_command(const Settings& settings);

}  // namespace countryhub::app
