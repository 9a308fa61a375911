#include "app/normalize_command.hpp"

#include <cstdio>
#include <fstream>
#include <iterator>
#include <sstream>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "common/json_pretty.hpp"
#include "common/json_writer.hpp"
#include "common/request_id.hpp"
#include "common/time_format.hpp"
#include "spotify/countries.hpp"
#include "spotify/defaults.hpp"
#include "spotify/hub_json.hpp"
#include "spotify/normalizer.hpp"

namespace countryhub::app {

void add_normalize_command(CLI::App& app, NormalizeCommandOptions& options) {
  CLI::App* command = app.add_subcommand(
      "normalize", "Normalize a saved Pathfinder response and print the hub's data object");
  command->add_option("FILE", options.file, "Raw upstream response (JSON)")
      ->required()
      ->check(CLI::ExistingFile);
  command->add_option("--country", options.country,
                      "Requested country code, used when the response names none")
      ->capture_default_str();
  command->add_option("--fetched-at", options.fetched_at,
                      "meta.fetchedAt as RFC 3339 UTC (default: now)");
  command->add_option("--request-id", options.request_id,
                      "meta.requestId (default: a new random id)");
  command->add_option("--app-version", options.app_version,
                      "meta.appVersion (default: the built-in web-player version)");
  command->add_flag("--pretty", options.pretty, "Indent the output");
}

int run_normalize_command(const NormalizeCommandOptions& options) {
  if (!spotify::find_country(options.country)) {
    const auto hint = spotify::suggest_country(options.country);
    fmt::print(stderr, "countryhub normalize: --country '{}' is not a supported market{}\n",
               options.country,
               hint ? fmt::format("; did you mean '{}'?", *hint) : std::string());
    return 2;
  }
  spotify::NormalizeOptions normalize_options;
  normalize_options.requested_country = options.country;
  normalize_options.app_version =
      options.app_version.empty() ? spotify::kDefaultAppVersion : options.app_version;
  const std::string request_id =
      options.request_id.empty() ? common::new_request_id() : options.request_id;
  normalize_options.request_id = request_id;
  normalize_options.fetched_at_ms = common::now_epoch_ms();
  if (!options.fetched_at.empty()) {
    const auto parsed = common::parse_rfc3339_utc_ms(options.fetched_at);
    if (!parsed) {
      fmt::print(stderr,
                 "countryhub normalize: --fetched-at '{}' is not RFC 3339 UTC; "
                 "use a form such as 2026-06-05T14:23:00Z\n",
                 options.fetched_at);
      return 2;
    }
    normalize_options.fetched_at_ms = *parsed;
  }

  std::ifstream input(options.file, std::ios::binary);
  std::ostringstream contents;
  contents << input.rdbuf();
  if (!input) {
    fmt::print(stderr, "countryhub normalize: cannot read {}\n", options.file);
    return 1;
  }
  const std::string body = std::move(contents).str();

  auto document = spotify::normalize_hub(body, normalize_options);
  if (!document) {
    fmt::print(stderr, "countryhub normalize: {} is unusable: {}: {}\n", options.file,
               spotify::error_name(document.error().kind), document.error().detail);
    return 1;
  }
  common::JsonWriter writer(body.size());
  spotify::write_hub(writer, document->hub());
  const std::string& compact = writer.str();
  const std::string output = options.pretty ? common::pretty_json(compact) : compact;
  std::fwrite(output.data(), 1, output.size(), stdout);
  std::fputc('\n', stdout);
  return 0;
}

}  // namespace countryhub::app
