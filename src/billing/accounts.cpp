#include "billing/accounts.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>

#include <fmt/format.h>

#include "billing/api_key.hpp"
#include "billing/plans.hpp"

namespace countryhub::billing {
namespace {

BillingError store_failed(const store::StoreError& error) {
  return BillingError{Error::kStoreFailed, error.detail};
}

std::string lower_case(std::string_view text) {
  std::string lowered(text);
  std::transform(lowered.begin(), lowered.end(), lowered.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return lowered;
}

std::string plan_list() {
  std::string names;
  for (const Plan& plan : plans()) {
    names += names.empty() ? "" : ", ";
    names += plan.id;
  }
  return names;
}

}  // namespace

bool is_plausible_email(std::string_view email) {
  if (email.empty() || email.size() > 254) {
    return false;
  }
  const auto at = email.find('@');
  if (at == 0 || at == std::string_view::npos || at + 1 == email.size() ||
      email.find('@', at + 1) != std::string_view::npos) {
    return false;
  }
  return std::none_of(email.begin(), email.end(),
                      [](unsigned char c) { return c <= ' ' || c == 0x7f; });
}

std::optional<std::int64_t> parse_duration_seconds(std::string_view text) {
  if (text.empty()) {
    return std::nullopt;
  }
  std::int64_t unit_seconds = 1;
  switch (text.back()) {
    case 's': unit_seconds = 1; break;
    case 'm': unit_seconds = 60; break;
    case 'h': unit_seconds = 3600; break;
    case 'd': unit_seconds = 86400; break;
    default: unit_seconds = 0; break;
  }
  std::string_view digits = unit_seconds == 0 ? text : text.substr(0, text.size() - 1);
  unit_seconds = std::max<std::int64_t>(unit_seconds, 1);
  std::int64_t count = 0;
  const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), count);
  // A year is far beyond any sensible grace period. Dividing instead of
  // multiplying keeps huge counts from overflowing.
  constexpr std::int64_t kMaxSeconds = 366 * 86400;
  if (digits.empty() || ec != std::errc{} || end != digits.data() + digits.size() || count < 0 ||
      count > kMaxSeconds / unit_seconds) {
    return std::nullopt;
  }
  return count * unit_seconds;
}

Result<store::AccountRecord> AccountManager::create_account(std::string_view email,
                                                            std::string_view plan_id,
                                                            bool has_overage) {
  if (!is_plausible_email(email)) {
    return BillingError{Error::kInvalidArgument,
                        fmt::format("'{}' is not an email address", email)};
  }
  const auto plan = find_plan(plan_id);
  if (!plan) {
    return BillingError{Error::kInvalidArgument,
                        fmt::format("unknown plan '{}'; choose one of {}", plan_id, plan_list())};
  }
  if (has_overage && plan->overage_rule == OverageRule::kNever) {
    return BillingError{Error::kInvalidArgument,
                        fmt::format("the {} plan has no overage; choose another plan", plan->name)};
  }
  auto created = store_.create_account(lower_case(email), plan->id, has_overage, clock_());
  if (!created) {
    if (created.error().kind == store::Error::kConflict) {
      return BillingError{Error::kAlreadyExists,
                          fmt::format("an account with email '{}' exists", email)};
    }
    return store_failed(created.error());
  }
  return std::move(*created);
}

Result<store::AccountRecord> AccountManager::find_account(std::string_view email) {
  auto account = store_.find_account(lower_case(email));
  if (!account) {
    if (account.error().kind == store::Error::kNotFound) {
      return BillingError{Error::kUnknownAccount,
                          fmt::format("no account with email '{}'", email)};
    }
    return store_failed(account.error());
  }
  return std::move(*account);
}

Result<store::AccountRecord> AccountManager::update_account(std::string_view email,
                                                            const AccountChange& change) {
  auto account = find_account(email);
  if (!account) {
    return account.error();
  }
  if (change.plan) {
    const auto plan = find_plan(*change.plan);
    if (!plan) {
      return BillingError{Error::kInvalidArgument, fmt::format("unknown plan '{}'; choose one of {}",
                                                               *change.plan, plan_list())};
    }
    account->plan = plan->id;
  }
  account->has_overage = change.has_overage.value_or(account->has_overage);
  const auto new_plan = find_plan(account->plan);
  if (new_plan && new_plan->overage_rule == OverageRule::kNever && account->has_overage) {
    if (change.has_overage) {
      return BillingError{Error::kInvalidArgument,
                          fmt::format("the {} plan has no overage", new_plan->name)};
    }
    // Moving to a plan without overage turns the switch off, so what the
    // account shows is what applies.
    account->has_overage = false;
  }
  account->is_disabled = change.is_disabled.value_or(account->is_disabled);
  if (auto updated = store_.update_account(*account); !updated) {
    return store_failed(updated.error());
  }
  return std::move(*account);
}

Result<IssuedKey> AccountManager::create_key(std::string_view email) {
  auto account = find_account(email);
  if (!account) {
    return account.error();
  }
  GeneratedKey generated = generate_key();
  store::KeyRecord record;
  record.account_id = account->id;
  record.key_hash = generated.key_hash;
  record.display_prefix = generated.display_prefix;
  record.created_at_ms = clock_();
  auto stored = store_.insert_key(record, true);
  if (!stored) {
    return store_failed(stored.error());
  }
  return IssuedKey{std::move(generated.key), std::move(*stored)};
}

Result<std::vector<store::KeyRecord>> AccountManager::list_keys(std::string_view email) {
  auto account = find_account(email);
  if (!account) {
    return account.error();
  }
  auto keys = store_.list_keys(account->id);
  if (!keys) {
    return store_failed(keys.error());
  }
  return std::move(*keys);
}

Result<store::KeyRecord> AccountManager::find_key(const store::AccountRecord& account,
                                                  std::string_view key_ref) {
  auto keys = store_.list_keys(account.id);
  if (!keys) {
    return store_failed(keys.error());
  }
  for (const store::KeyRecord& key : *keys) {
    const bool is_match = key_ref.empty() ? key.is_active
                                          : (std::to_string(key.id) == key_ref ||
                                             key.display_prefix == key_ref);
    if (is_match) {
      return key;
    }
  }
  return BillingError{Error::kUnknownKey,
                      key_ref.empty()
                          ? fmt::format("account '{}' has no active key", account.email)
                          : fmt::format("account '{}' has no key '{}'; `keys list` shows its keys",
                                        account.email, key_ref)};
}

Result<store::KeyRecord> AccountManager::revoke_key(std::string_view email,
                                                    std::string_view key_ref) {
  auto account = find_account(email);
  if (!account) {
    return account.error();
  }
  auto key = find_key(*account, key_ref);
  if (!key) {
    return key.error();
  }
  const std::int64_t now_ms = clock_();
  if (auto revoked = store_.revoke_key(key->id, now_ms); !revoked) {
    return store_failed(revoked.error());
  }
  key->revoked_at_ms = key->revoked_at_ms.value_or(now_ms);
  key->is_active = false;
  return key;
}

Result<IssuedKey> AccountManager::rotate_key(std::string_view email, std::string_view key_ref,
                                             std::int64_t grace_seconds) {
  auto account = find_account(email);
  if (!account) {
    return account.error();
  }
  auto old_key = find_key(*account, key_ref);
  if (!old_key) {
    return old_key.error();
  }
  const std::int64_t now_ms = clock_();
  const bool is_revoked = old_key->revoked_at_ms && *old_key->revoked_at_ms <= now_ms;
  const bool is_expired = old_key->expires_at_ms && *old_key->expires_at_ms <= now_ms;
  if (is_revoked || is_expired) {
    // Rotating would set a new expiry and bring a dead, perhaps leaked, key back.
    return BillingError{Error::kInvalidArgument,
                        fmt::format("key {} is already {}; use `keys create` for a new key",
                                    old_key->id, is_revoked ? "revoked" : "expired")};
  }
  // A second rotation within the grace period may shorten it, never extend it.
  std::int64_t old_expires_at_ms = now_ms + grace_seconds * 1000;
  if (old_key->expires_at_ms) {
    old_expires_at_ms = std::min(old_expires_at_ms, *old_key->expires_at_ms);
  }
  GeneratedKey generated = generate_key();
  store::KeyRecord replacement;
  replacement.account_id = account->id;
  replacement.key_hash = generated.key_hash;
  replacement.display_prefix = generated.display_prefix;
  replacement.created_at_ms = now_ms;
  auto stored = store_.rotate_key(old_key->id, replacement, old_expires_at_ms, now_ms);
  if (!stored) {
    return store_failed(stored.error());
  }
  return IssuedKey{std::move(generated.key), std::move(*stored)};
}

}  // namespace countryhub::billing
