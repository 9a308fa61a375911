#include "store/migrations.hpp"

#include <array>

namespace countryhub::store {
namespace {

constexpr std::array<std::string_view, 3> kSqliteMigrations = {
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
    R"sql(
-- A counter that every change to accounts or keys bumps, from any process,
-- so a server that keeps them in memory sees a revoke made by the CLI.
CREATE TABLE credential_changes (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  version INTEGER NOT NULL
);
INSERT INTO credential_changes (id, version) VALUES (1, 0);
CREATE TRIGGER accounts_inserted AFTER INSERT ON accounts
  BEGIN UPDATE credential_changes SET version = version + 1; END;
CREATE TRIGGER accounts_updated AFTER UPDATE ON accounts
  BEGIN UPDATE credential_changes SET version = version + 1; END;
CREATE TRIGGER accounts_deleted AFTER DELETE ON accounts
  BEGIN UPDATE credential_changes SET version = version + 1; END;
CREATE TRIGGER api_keys_inserted AFTER INSERT ON api_keys
  BEGIN UPDATE credential_changes SET version = version + 1; END;
CREATE TRIGGER api_keys_updated AFTER UPDATE ON api_keys
  BEGIN UPDATE credential_changes SET version = version + 1; END;
CREATE TRIGGER api_keys_deleted AFTER DELETE ON api_keys
  BEGIN UPDATE credential_changes SET version = version + 1; END;
)sql",
};

}  // namespace

std::span<const std::string_view> sqlite_migrations() { return kSqliteMigrations; }

}  // namespace countryhub::store
