#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <string>
#include <string_view>
#include <vector>

#include "app/account_commands.hpp"
#include "app/normalize_command.hpp"
#include "app/serve_command.hpp"
#include "app/settings.hpp"

namespace {

// Exit code for a command line that could not be parsed, as the README says.
constexpr int kUsageExitCode = 2;

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"countryhub: Spotify's popular-by-country hubs as a JSON API"};
  app.require_subcommand(1);

  countryhub::app::Settings settings;
  CLI::App* serve = app.add_subcommand("serve", "Serve the HTTP API until SIGTERM or SIGINT");
  countryhub::app::add_settings_options(*serve, settings, countryhub::app::SettingsScope::kServe);

  countryhub::app::AccountCommandOptions account_options;
  countryhub::app::add_account_commands(app, settings, account_options);

  countryhub::app::NormalizeCommandOptions normalize;
  countryhub::app::add_normalize_command(app, normalize);

  // The file goes in first so that the environment and flags parsed next override it.
  if (const std::string problem = countryhub::app::load_config_file(argc, argv, settings);
      !problem.empty()) {
    fmt::print(stderr, "countryhub: {}\n", problem);
    return kUsageExitCode;
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    const int code = app.exit(error);
    return code == 0 ? 0 : kUsageExitCode;
  }
  if (app.got_subcommand("serve")) {
    // Kept for SIGHUP, which reads them again with the environment and file.
    std::vector<std::string> serve_args;
    bool is_after_serve = false;
    for (int i = 1; i < argc; ++i) {
      if (is_after_serve) {
        serve_args.emplace_back(argv[i]);
      }
      is_after_serve = is_after_serve || std::string_view(argv[i]) == "serve";
    }
    return countryhub::app::run_serve_command(settings, std::move(serve_args));
  }
  if (auto code = countryhub::app::run_account_command(app, settings, account_options)) {
    return *code;
  }
  return countryhub::app::run_normalize_command(normalize);
}
