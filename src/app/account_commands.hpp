#pragma once

#include <optional>
#include <string>

#include "app/settings.hpp"

namespace CLI {
class App;
}

namespace countryhub::app {

// Arguments of the `accounts` and `keys` subcommands.
struct AccountCommandOptions {
  std::string email;
  std::string plan;
  bool has_overage = false;
  std::string overage_switch;   // "on" or "off" for `accounts update`
  std::string disabled_switch;  // "on" or "off" for `accounts update`
  std::string key_ref;          // key id or display prefix
  std::string grace = "0";
};

// Registers `accounts create|update|show`, `keys create|list|revoke|rotate`
// and `usage` on `app`; each reads the store settings (--database,
// environment, file).
void add_account_commands(CLI::App& app, Settings& settings, AccountCommandOptions& options);

// Runs the account or key subcommand that was parsed, if any: returns its
// exit code, or nullopt when none of them was given.
std::optional<int> run_account_command(const CLI::App& app, const Settings& settings,
                                       const AccountCommandOptions& options);

}  // namespace countryhub::app
