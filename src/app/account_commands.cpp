#include "app/account_commands.hpp"

#include <cstdio>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "billing/accounts.hpp"
#include "billing/periods.hpp"
#include "billing/usage_report.hpp"
#include "common/logging.hpp"
#include "spotify/hub_json.hpp"
#include "store/store.hpp"

namespace countryhub::app {
namespace {

int fail(std::string_view command, const billing::BillingError& error) {
  fmt::print(stderr, "countryhub {}: {}\n", command, error.message);
  return error.kind == billing::Error::kInvalidArgument ? 2 : 1;
}

std::optional<bool> parse_switch(const std::string& text) {
  if (text == "on") {
    return true;
  }
  if (text == "off") {
    return false;
  }
  return std::nullopt;
}

std::string describe_account(const store::AccountRecord& account) {
  return fmt::format("id={} email={} plan={} overage={} disabled={}", account.id, account.email,
                     account.plan, account.has_overage ? "on" : "off",
                     account.is_disabled ? "yes" : "no");
}

std::string key_state(const store::KeyRecord& key, std::int64_t now_ms) {
  if (key.revoked_at_ms && *key.revoked_at_ms <= now_ms) {
    return "revoked " + spotify::format_rfc3339_ms(*key.revoked_at_ms);
  }
  if (key.expires_at_ms) {
    return (*key.expires_at_ms <= now_ms ? "expired " : "valid until ") +
           spotify::format_rfc3339_ms(*key.expires_at_ms);
  }
  return key.is_active ? "active" : "valid";
}

int list_keys(billing::AccountManager& manager, const AccountCommandOptions& options) {
  auto keys = manager.list_keys(options.email);
  if (!keys) {
    return fail("keys list", keys.error());
  }
  const std::int64_t now_ms = common::now_epoch_ms();
  fmt::print("{:<6} {:<14} {:<26} {}\n", "ID", "PREFIX", "CREATED", "STATE");
  for (const store::KeyRecord& key : *keys) {
    fmt::print("{:<6} {:<14} {:<26} {}\n", key.id, key.display_prefix,
               spotify::format_rfc3339_ms(key.created_at_ms), key_state(key, now_ms));
  }
  return 0;
}

int update_account(billing::AccountManager& manager, const AccountCommandOptions& options) {
  billing::AccountChange change;
  if (!options.plan.empty()) {
    change.plan = options.plan;
  }
  if (!options.overage_switch.empty()) {
    change.has_overage = parse_switch(options.overage_switch);
  }
  if (!options.disabled_switch.empty()) {
    change.is_disabled = parse_switch(options.disabled_switch);
  }
  auto updated = manager.update_account(options.email, change);
  if (!updated) {
    return fail("accounts update", updated.error());
  }
  fmt::print("account updated: {}\n", describe_account(*updated));
  return 0;
}

int rotate_key(billing::AccountManager& manager, const AccountCommandOptions& options) {
  const auto grace_seconds = billing::parse_duration_seconds(options.grace);
  if (!grace_seconds) {
    fmt::print(stderr,
               "countryhub keys rotate: --grace '{}' is not a duration; use 0, 90s, 15m, 24h "
               "or 7d (at most 366d)\n",
               options.grace);
    return 2;
  }
  auto issued = manager.rotate_key(options.email, options.key_ref, *grace_seconds);
  if (!issued) {
    return fail("keys rotate", issued.error());
  }
  fmt::print(stderr, "new key {}... is now active; the old key {}\n",
             issued->record.display_prefix,
             *grace_seconds == 0 ? std::string("is revoked")
                                 : fmt::format("stays valid for {} s", *grace_seconds));
  fmt::print("{}\n", issued->key);
  return 0;
}

std::string or_none(const std::optional<std::int64_t>& value) {
  return value ? std::to_string(*value) : "none";
}

// Prints the same figures as GET /api/v1/account/usage, as a table.
int print_usage(store::Store& store, billing::AccountManager& manager,
                const AccountCommandOptions& options) {
  auto account = manager.find_account(options.email);
  if (!account) {
    return fail("usage", account.error());
  }
  const auto plan = billing::find_plan(account->plan);
  if (!plan) {
    fmt::print(stderr, "countryhub usage: account has unknown plan '{}'\n", account->plan);
    return 1;
  }
  auto report = billing::usage_report(store, *account, *plan, common::now_epoch_ms());
  if (!report) {
    return fail("usage", report.error());
  }
  fmt::print("account      {} (plan {}, overage {})\n", account->email, plan->name,
             report->has_overage ? "on" : "off");
  fmt::print("period       {} ({} to {})\n", report->periods.month,
             spotify::format_rfc3339_ms(report->periods.month_start_ms),
             spotify::format_rfc3339_ms(report->periods.month_end_ms));
  fmt::print("credits      included {}  used {}  remaining {}\n", report->included, report->used,
             report->remaining);
  fmt::print("overage      {} credits  ${}\n", report->overage_credits, report->overage_cost_usd);
  fmt::print("today        {} credits  cap {}  remaining {}\n", report->today_credits,
             or_none(report->daily_cap), or_none(report->today_remaining));
  fmt::print("\n{:<12} {:>10} {:>10}\n", "DAY", "CREDITS", "REQUESTS");
  for (const store::DailyUsage& day : report->days) {
    fmt::print("{:<12} {:>10} {:>10}\n", day.day, day.credits, day.requests);
  }
  return 0;
}

int run_with_manager(const CLI::App& app, store::Store& store, billing::AccountManager& manager,
                     const AccountCommandOptions& options) {
  if (app.got_subcommand("usage")) {
    return print_usage(store, manager, options);
  }
  const CLI::App* accounts = app.get_subcommand("accounts");
  const CLI::App* keys = app.get_subcommand("keys");
  if (accounts->got_subcommand("create")) {
    auto created = manager.create_account(options.email, options.plan, options.has_overage);
    if (!created) {
      return fail("accounts create", created.error());
    }
    fmt::print("account created: {}\n", describe_account(*created));
    return 0;
  }
  if (accounts->got_subcommand("update")) {
    return update_account(manager, options);
  }
  if (accounts->got_subcommand("show")) {
    auto account = manager.find_account(options.email);
    if (!account) {
      return fail("accounts show", account.error());
    }
    fmt::print("{}\n", describe_account(*account));
    return 0;
  }
  if (keys->got_subcommand("create")) {
    auto issued = manager.create_key(options.email);
    if (!issued) {
      return fail("keys create", issued.error());
    }
    // Only the key goes to stdout, so `KEY=$(countryhub keys create ...)` works.
    fmt::print("{}\n", issued->key);
    return 0;
  }
  if (keys->got_subcommand("list")) {
    return list_keys(manager, options);
  }
  if (keys->got_subcommand("revoke")) {
    auto revoked = manager.revoke_key(options.email, options.key_ref);
    if (!revoked) {
      return fail("keys revoke", revoked.error());
    }
    fmt::print("key {} ({}...) revoked\n", revoked->id, revoked->display_prefix);
    return 0;
  }
  return rotate_key(manager, options);
}

}  // namespace

void add_account_commands(CLI::App& app, Settings& settings, AccountCommandOptions& options) {
  CLI::App* accounts = app.add_subcommand("accounts", "Create and change customer accounts");
  accounts->require_subcommand(1);
  CLI::App* create = accounts->add_subcommand("create", "Create an account");
  create->add_option("--email", options.email, "Account email, its name in every command")
      ->required();
  create->add_option("--plan", options.plan, "free, starter, growth, pro, business or enterprise")
      ->required();
  create->add_flag("--overage", options.has_overage,
                   "Allow use beyond the included credits (Starter and Growth; Pro and above "
                   "always allow it, Free never)");
  CLI::App* update = accounts->add_subcommand("update", "Change an account's plan or switches");
  update->add_option("EMAIL", options.email, "Account email")->required();
  update->add_option("--plan", options.plan, "New plan");
  update->add_option("--overage", options.overage_switch, "on or off")
      ->check(CLI::IsMember({"on", "off"}));
  update->add_option("--disabled", options.disabled_switch, "on (refuse its keys) or off")
      ->check(CLI::IsMember({"on", "off"}));
  CLI::App* show = accounts->add_subcommand("show", "Print an account");
  show->add_option("EMAIL", options.email, "Account email")->required();

  CLI::App* keys = app.add_subcommand("keys", "Issue, list, revoke and rotate API keys");
  keys->require_subcommand(1);
  CLI::App* key_create =
      keys->add_subcommand("create", "Issue a key and print it (only it) on stdout");
  CLI::App* key_list = keys->add_subcommand("list", "List an account's keys (never the secrets)");
  CLI::App* key_revoke = keys->add_subcommand("revoke", "Revoke a key at once");
  CLI::App* key_rotate = keys->add_subcommand(
      "rotate", "Issue a new active key; the old one keeps working for --grace");
  for (CLI::App* command : {key_create, key_list, key_revoke, key_rotate}) {
    command->add_option("--account", options.email, "Account email")->required();
  }
  key_revoke->add_option("--key", options.key_ref, "Key id or display prefix (see keys list)")
      ->required();
  key_rotate->add_option("--key", options.key_ref,
                         "Key id or display prefix to replace (default: the active key)");
  key_rotate->add_option("--grace", options.grace,
                         "How long the old key stays valid: 0 (revoke now), 90s, 15m, 24h, 7d")
      ->capture_default_str();
  CLI::App* usage = app.add_subcommand(
      "usage", "Print an account's usage this UTC month (as GET /api/v1/account/usage)");
  usage->add_option("EMAIL", options.email, "Account email")->required();
  for (CLI::App* command :
       {create, update, show, key_create, key_list, key_revoke, key_rotate, usage}) {
    add_settings_options(*command, settings, SettingsScope::kStore);
  }
}

std::optional<int> run_account_command(const CLI::App& app, const Settings& settings,
                                       const AccountCommandOptions& options) {
  if (!app.got_subcommand("accounts") && !app.got_subcommand("keys") &&
      !app.got_subcommand("usage")) {
    return std::nullopt;
  }
  common::configure_logging(settings.log_level);
  // Each change is on disk before the command reports it.
  auto store = store::open_store(settings.database, store::StoreOptions{std::chrono::milliseconds(0)});
  if (!store) {
    fmt::print(stderr, "countryhub: cannot open store {}: {}\n", settings.database,
               store.error().detail);
    return 1;
  }
  billing::AccountManager manager(**store, common::system_clock());
  return run_with_manager(app, **store, manager, options);
}

}  // namespace countryhub::app
