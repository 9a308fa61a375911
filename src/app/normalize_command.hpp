#pragma once

#include <string>

namespace CLI {
class App;
}

namespace countryhub::app {

struct NormalizeCommandOptions {
  std::string file;
  std::string country = "us";
  std::string fetched_at;
  std::string request_id;
  std::string app_version;
  bool pretty = false;
};

// Registers `countryhub normalize FILE` on `app`.
void add_normalize_command(CLI::App& app, NormalizeCommandOptions& options);

// Prints the `data` object of a successful response for `options.file` on
// stdout and returns 0, or prints a one-line reason on stderr and returns 1.
int run_normalize_command(const NormalizeCommandOptions& options);

}  // namespace countryhub::app
