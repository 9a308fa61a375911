#include "store/migrations.hpp"

#include <array>

namespace countryhub::store {
namespace {

constexpr std::array<std::string_view, 2> kSqliteMigrations = {
    R"sql(
CREATE TABLE accounts (
  id INTEGER PRIMARY KEY,
  email TEXT NOT NULL UNIQUE,
  plan TEXT NOT NULL,
  has_overage INTEGER NOT NULL DEFAULT 0,
  is_disabled INTEGER NOT NULL DEFAULT 0,
  created_at_ms INTEGER NOT NULL
);
CREATE TABLE api_keys (
  id INTEGER PRIMARY KEY,
  account_id INTEGER NOT NULL REFERENCES accounts(id),
  key_hash TEXT NOT NULL UNIQUE,
  display_prefix TEXT NOT NULL,
  created_at_ms INTEGER NOT NULL,
  expires_at_ms INTEGER,
  revoked_at_ms INTEGER,
  is_active INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX api_keys_account ON api_keys(account_id);
-- One row per account and UTC day: credits are summed per period from at
-- most 31 rows instead of one row per request.
CREATE TABLE usage_daily (
  account_id INTEGER NOT NULL REFERENCES accounts(id),
  day TEXT NOT NULL,
  month TEXT NOT NULL,
  credits INTEGER NOT NULL,
  requests INTEGER NOT NULL,
  PRIMARY KEY (account_id, day)
) WITHOUT ROWID;
CREATE INDEX usage_daily_month ON usage_daily(account_id, month);
)sql",
    R"sql(
-- Responses of requests sent with an Idempotency-Key, replayed to repeats
-- for 24 hours.
CREATE TABLE idempotent_responses (
  account_id INTEGER NOT NULL REFERENCES accounts(id),
  idempotency_key TEXT NOT NULL,
  created_at_ms INTEGER NOT NULL,
  status INTEGER NOT NULL,
  headers TEXT NOT NULL,
  body BLOB NOT NULL,
  PRIMARY KEY (account_id, idempotency_key)
) WITHOUT ROWID;
CREATE INDEX idempotent_responses_age ON idempotent_responses(created_at_ms);
)sql",
};

}  // namespace

std::span<const std::string_view> sqlite_migrations() { return kSqliteMigrations; }

}  // namespace countryhub::store
