#include <CLI/CLI.hpp>

#include "app/normalize_command.hpp"

int main(int argc, char** argv) {
  CLI::App app{"countryhub: Spotify's popular-by-country hubs as a JSON API"};
  app.require_subcommand(1);

  countryhub::app::NormalizeCommandOptions normalize;
  countryhub::app::add_normalize_command(app, normalize);

  CLI11_PARSE(app, argc, argv);
  if (app.got_subcommand("normalize")) {
    return countryhub::app::run_normalize_command(normalize);
  }
  return 0;
}
