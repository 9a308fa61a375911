#include "store/sqlite_store.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <mutex>
#include <stdexcept>

#include <fmt/format.h>
#include <sqlite3.h>

#include "common/logging.hpp"
#include "store/migrations.hpp"
#include "store/sqlite_statement.hpp"

namespace countryhub::store {
namespace {

constexpr int kBusyTimeoutMs = 5000;

StoreError to_store_error(const SqliteError& error) {
  if (error.code == SQLITE_CONSTRAINT_UNIQUE || error.code == SQLITE_CONSTRAINT_PRIMARYKEY) {
    return StoreError{Error::kConflict, error.message};
  }
  return StoreError{Error::kUnavailable, fmt::format("sqlite error {}: {}", error.code,
                                                     error.message)};
}

const char* kAccountColumns = "id, email, plan, has_overage, is_disabled, created_at_ms";
const char* kKeyColumns =
    "id, account_id, key_hash, display_prefix, created_at_ms, expires_at_ms, revoked_at_ms, "
    "is_active";

AccountRecord read_account(const SqliteStatement& row) {
  return AccountRecord{row.column_int(0), row.column_text(1), row.column_text(2),
                       row.column_int(3) != 0, row.column_int(4) != 0, row.column_int(5)};
}

KeyRecord read_key(const SqliteStatement& row) {
  return KeyRecord{row.column_int(0),          row.column_int(1),
                   row.column_text(2),         row.column_text(3),
                   row.column_int(4),          row.column_optional_int(5),
                   row.column_optional_int(6), row.column_int(7) != 0};
}

// Creates the file with owner-only permissions before SQLite opens it, so
// key hashes and usage are never readable by other users, even briefly.
bool create_private_file(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) {
    return false;
  }
  ::close(fd);
  return true;
}

class SqliteStore final : public Store {
 public:
  explicit SqliteStore(sqlite3* db) : db_(db) {}
  ~SqliteStore() override { sqlite3_close_v2(db_); }

  Result<void> migrate() {
    return guarded([&]() -> Result<void> {
      exec("BEGIN IMMEDIATE");
      try {
        SqliteStatement version(db_, "PRAGMA user_version");
        version.step();
        const auto current = static_cast<std::size_t>(version.column_int(0));
        const auto migrations = sqlite_migrations();
        if (current > migrations.size()) {
          exec("ROLLBACK");
          return StoreError{Error::kInvalidSchema,
                            fmt::format("database schema version {} is newer than this "
                                        "countryhub ({}); upgrade countryhub",
                                        current, migrations.size())};
        }
        for (std::size_t next = current; next < migrations.size(); ++next) {
          exec(std::string(migrations[next]));
          exec(fmt::format("PRAGMA user_version = {}", next + 1));
          common::logger("store")->info("migration_applied version={}", next + 1);
        }
        exec("COMMIT");
      } catch (...) {
        sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
        throw;
      }
      return {};
    });
  }

  Result<AccountRecord> create_account(std::string_view email, std::string_view plan,
                                       bool has_overage, std::int64_t now_ms) override {
    return guarded([&]() -> Result<AccountRecord> {
      SqliteStatement insert(db_,
                             "INSERT INTO accounts (email, plan, has_overage, created_at_ms) "
                             "VALUES (?, ?, ?, ?)");
      insert.bind(1, email).bind(2, plan).bind(3, std::int64_t{has_overage}).bind(4, now_ms);
      insert.step();
      return AccountRecord{sqlite3_last_insert_rowid(db_), std::string(email), std::string(plan),
                           has_overage, false, now_ms};
    });
  }

  Result<AccountRecord> find_account(std::string_view email) override {
    return guarded([&]() -> Result<AccountRecord> {
      SqliteStatement select(
          db_, fmt::format("SELECT {} FROM accounts WHERE email = ?", kAccountColumns));
      select.bind(1, email);
      if (!select.step()) {
        return StoreError{Error::kNotFound, fmt::format("no account with email '{}'", email)};
      }
      return read_account(select);
    });
  }

  Result<AccountRecord> find_account_by_id(std::int64_t id) override {
    return guarded([&]() -> Result<AccountRecord> {
      SqliteStatement select(db_,
                             fmt::format("SELECT {} FROM accounts WHERE id = ?", kAccountColumns));
      select.bind(1, id);
      if (!select.step()) {
        return StoreError{Error::kNotFound, fmt::format("no account with id {}", id)};
      }
      return read_account(select);
    });
  }

  Result<void> update_account(const AccountRecord& account) override {
    return guarded([&]() -> Result<void> {
      SqliteStatement update(
          db_, "UPDATE accounts SET plan = ?, has_overage = ?, is_disabled = ? WHERE id = ?");
      update.bind(1, account.plan)
          .bind(2, std::int64_t{account.has_overage})
          .bind(3, std::int64_t{account.is_disabled})
          .bind(4, account.id);
      update.step();
      if (sqlite3_changes(db_) == 0) {
        return StoreError{Error::kNotFound, fmt::format("no account with id {}", account.id)};
      }
      return {};
    });
  }

  Result<KeyRecord> insert_key(const KeyRecord& key, bool make_active) override {
    return guarded([&]() -> Result<KeyRecord> {
      Transaction transaction(*this);
      KeyRecord stored = insert_key_row(key, make_active);
      transaction.commit();
      return stored;
    });
  }

  Result<KeyRecord> find_key_by_hash(std::string_view key_hash) override {
    return guarded([&]() -> Result<KeyRecord> {
      SqliteStatement select(db_,
                             fmt::format("SELECT {} FROM api_keys WHERE key_hash = ?", kKeyColumns));
      select.bind(1, key_hash);
      if (!select.step()) {
        return StoreError{Error::kNotFound, "no key with this hash"};
      }
      return read_key(select);
    });
  }

  Result<KeyRecord> find_key_by_id(std::int64_t id) override {
    return guarded([&]() -> Result<KeyRecord> {
      SqliteStatement select(db_, fmt::format("SELECT {} FROM api_keys WHERE id = ?", kKeyColumns));
      select.bind(1, id);
      if (!select.step()) {
        return StoreError{Error::kNotFound, fmt::format("no key with id {}", id)};
      }
      return read_key(select);
    });
  }

  Result<std::vector<KeyRecord>> list_keys(std::int64_t account_id) override {
    return guarded([&]() -> Result<std::vector<KeyRecord>> {
      SqliteStatement select(
          db_, fmt::format("SELECT {} FROM api_keys WHERE account_id = ? ORDER BY id", kKeyColumns));
      select.bind(1, account_id);
      std::vector<KeyRecord> keys;
      while (select.step()) {
        keys.push_back(read_key(select));
      }
      return keys;
    });
  }

  Result<void> revoke_key(std::int64_t key_id, std::int64_t now_ms) override {
    return guarded([&]() -> Result<void> {
      SqliteStatement update(db_,
                             "UPDATE api_keys SET revoked_at_ms = COALESCE(revoked_at_ms, ?), "
                             "is_active = 0 WHERE id = ?");
      update.bind(1, now_ms).bind(2, key_id);
      update.step();
      if (sqlite3_changes(db_) == 0) {
        return StoreError{Error::kNotFound, fmt::format("no key with id {}", key_id)};
      }
      return {};
    });
  }

  Result<KeyRecord> rotate_key(std::int64_t old_key_id, const KeyRecord& replacement,
                               std::int64_t old_expires_at_ms, std::int64_t now_ms) override {
    return guarded([&]() -> Result<KeyRecord> {
      Transaction transaction(*this);
      SqliteStatement update(db_,
                             "UPDATE api_keys SET is_active = 0, expires_at_ms = ?, "
                             "revoked_at_ms = CASE WHEN ? THEN COALESCE(revoked_at_ms, ?) "
                             "ELSE revoked_at_ms END WHERE id = ?");
      update.bind(1, old_expires_at_ms)
          .bind(2, std::int64_t{old_expires_at_ms <= now_ms})
          .bind(3, now_ms)
          .bind(4, old_key_id);
      update.step();
      if (sqlite3_changes(db_) == 0) {
        return StoreError{Error::kNotFound, fmt::format("no key with id {}", old_key_id)};
      }
      KeyRecord stored = insert_key_row(replacement, true);
      transaction.commit();
      return stored;
    });
  }

  Result<ChargeOutcome> charge(const ChargeRequest& request) override {
    auto outcomes = charge_batch(std::span<const ChargeRequest>(&request, 1));
    if (!outcomes) {
      return outcomes.error();
    }
    return outcomes->front();
  }

  Result<std::vector<ChargeOutcome>> charge_batch(
      std::span<const ChargeRequest> charges) override {
    return guarded([&]() -> Result<std::vector<ChargeOutcome>> {
      // BEGIN IMMEDIATE takes the write lock before reading the totals, so no
      // other process can slip a charge between the check and the write.
      Transaction transaction(*this);
      std::vector<ChargeOutcome> outcomes;
      outcomes.reserve(charges.size());
      for (const ChargeRequest& request : charges) {
        outcomes.push_back(apply_charge(request));
      }
      transaction.commit();
      return outcomes;
    });
  }

  Result<std::int64_t> day_credits(std::int64_t account_id, std::string_view day) override {
    return guarded([&]() -> Result<std::int64_t> { return read_day_credits(account_id, day); });
  }

  Result<IdempotentResponse> find_idempotent_response(std::int64_t account_id,
                                                      std::string_view idempotency_key,
                                                      std::int64_t not_before_ms) override {
    return guarded([&]() -> Result<IdempotentResponse> {
      SqliteStatement select(db_,
                             "SELECT created_at_ms, status, headers, body FROM "
                             "idempotent_responses WHERE account_id = ? AND idempotency_key = ? "
                             "AND created_at_ms >= ?");
      select.bind(1, account_id).bind(2, idempotency_key).bind(3, not_before_ms);
      if (!select.step()) {
        return StoreError{Error::kNotFound, "no stored response for this idempotency key"};
      }
      return IdempotentResponse{std::string(idempotency_key), select.column_int(0),
                                static_cast<int>(select.column_int(1)), select.column_text(2),
                                select.column_text(3)};
    });
  }

  Result<std::int64_t> purge_idempotent_responses(std::int64_t before_ms) override {
    return guarded([&]() -> Result<std::int64_t> {
      SqliteStatement remove(db_, "DELETE FROM idempotent_responses WHERE created_at_ms < ?");
      remove.bind(1, before_ms);
      remove.step();
      return static_cast<std::int64_t>(sqlite3_changes(db_));
    });
  }

  Result<std::int64_t> month_credits(std::int64_t account_id, std::string_view month) override {
    return guarded([&]() -> Result<std::int64_t> { return read_month_credits(account_id, month); });
  }

  Result<std::vector<DailyUsage>> daily_usage(std::int64_t account_id,
                                              std::string_view month) override {
    return guarded([&]() -> Result<std::vector<DailyUsage>> {
      SqliteStatement select(db_,
                             "SELECT day, credits, requests FROM usage_daily WHERE account_id = ? "
                             "AND month = ? ORDER BY day");
      select.bind(1, account_id).bind(2, month);
      std::vector<DailyUsage> days;
      while (select.step()) {
        days.push_back(DailyUsage{select.column_text(0), select.column_int(1), select.column_int(2)});
      }
      return days;
    });
  }

  Result<void> ping() override {
    return guarded([&]() -> Result<void> {
      SqliteStatement select(db_, "SELECT 1");
      select.step();
      return {};
    });
  }

 private:
  // Holds BEGIN IMMEDIATE .. COMMIT; rolls back when left without commit().
  class Transaction {
   public:
    explicit Transaction(SqliteStore& store) : store_(store) { store_.exec("BEGIN IMMEDIATE"); }
    ~Transaction() {
      if (!committed_) {
        sqlite3_exec(store_.db_, "ROLLBACK", nullptr, nullptr, nullptr);
      }
    }
    void commit() {
      store_.exec("COMMIT");
      committed_ = true;
    }

   private:
    SqliteStore& store_;
    bool committed_ = false;
  };

  // Runs `body` under the connection mutex and turns SQLite failures into
  // store errors, so no exception leaves the store.
  template <class Body>
  auto guarded(Body&& body) -> decltype(body()) {
    std::lock_guard lock(mutex_);
    try {
      return body();
    } catch (const SqliteError& error) {
      return to_store_error(error);
    }
  }

  void exec(const std::string& sql) {
    char* message = nullptr;
    const int rc = sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &message);
    if (rc != SQLITE_OK) {
      std::string text = message != nullptr ? message : sqlite3_errstr(rc);
      sqlite3_free(message);
      throw SqliteError{sqlite3_extended_errcode(db_), std::move(text)};
    }
  }

  // Checks one charge against its ceilings and records it; runs inside the
  // caller's transaction.
  ChargeOutcome apply_charge(const ChargeRequest& request) {
    if (request.max_month_credits >= 0 &&
        read_month_credits(request.account_id, request.month) + request.credits >
            request.max_month_credits) {
      return ChargeOutcome::kOverMonthLimit;
    }
    if (request.max_day_credits >= 0 &&
        read_day_credits(request.account_id, request.day) + request.credits >
            request.max_day_credits) {
      return ChargeOutcome::kOverDayLimit;
    }
    SqliteStatement upsert(db_,
                           "INSERT INTO usage_daily (account_id, day, month, credits, requests) "
                           "VALUES (?, ?, ?, ?, 1) ON CONFLICT (account_id, day) DO UPDATE SET "
                           "credits = credits + excluded.credits, requests = requests + 1");
    upsert.bind(1, request.account_id)
        .bind(2, request.day)
        .bind(3, request.month)
        .bind(4, request.credits);
    upsert.step();
    if (request.response) {
      const IdempotentResponse& response = *request.response;
      SqliteStatement insert(db_,
                             "INSERT OR REPLACE INTO idempotent_responses (account_id, "
                             "idempotency_key, created_at_ms, status, headers, body) "
                             "VALUES (?, ?, ?, ?, ?, ?)");
      insert.bind(1, request.account_id)
          .bind(2, response.idempotency_key)
          .bind(3, response.created_at_ms)
          .bind(4, std::int64_t{response.status})
          .bind(5, response.headers)
          .bind(6, response.body);
      insert.step();
    }
    return ChargeOutcome::kCharged;
  }

  std::int64_t read_day_credits(std::int64_t account_id, std::string_view day) {
    SqliteStatement select(db_,
                           "SELECT COALESCE(SUM(credits), 0) FROM usage_daily "
                           "WHERE account_id = ? AND day = ?");
    select.bind(1, account_id).bind(2, day);
    select.step();
    return select.column_int(0);
  }

  std::int64_t read_month_credits(std::int64_t account_id, std::string_view month) {
    SqliteStatement select(db_,
                           "SELECT COALESCE(SUM(credits), 0) FROM usage_daily "
                           "WHERE account_id = ? AND month = ?");
    select.bind(1, account_id).bind(2, month);
    select.step();
    return select.column_int(0);
  }

  KeyRecord insert_key_row(const KeyRecord& key, bool make_active) {
    if (make_active) {
      SqliteStatement clear(db_, "UPDATE api_keys SET is_active = 0 WHERE account_id = ?");
      clear.bind(1, key.account_id);
      clear.step();
    }
    SqliteStatement insert(db_,
                           "INSERT INTO api_keys (account_id, key_hash, display_prefix, "
                           "created_at_ms, expires_at_ms, revoked_at_ms, is_active) "
                           "VALUES (?, ?, ?, ?, ?, ?, ?)");
    insert.bind(1, key.account_id)
        .bind(2, key.key_hash)
        .bind(3, key.display_prefix)
        .bind(4, key.created_at_ms)
        .bind(5, key.expires_at_ms)
        .bind(6, key.revoked_at_ms)
        .bind(7, std::int64_t{make_active});
    insert.step();
    KeyRecord stored = key;
    stored.id = sqlite3_last_insert_rowid(db_);
    stored.is_active = make_active;
    return stored;
  }

  sqlite3* db_;
  std::mutex mutex_;
};

}  // namespace

Result<std::unique_ptr<Store>> open_sqlite_store(const std::string& path) {
  if (path != ":memory:" && !create_private_file(path)) {
    return StoreError{Error::kUnavailable,
                      fmt::format("cannot create database file '{}'; check that the folder "
                                  "exists and is writable",
                                  path)};
  }
  sqlite3* db = nullptr;
  const int rc = sqlite3_open_v2(path.c_str(), &db,
                                 SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
                                     SQLITE_OPEN_FULLMUTEX,
                                 nullptr);
  if (rc != SQLITE_OK) {
    std::string message = db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
    sqlite3_close_v2(db);
    return StoreError{Error::kUnavailable,
                      fmt::format("cannot open database '{}': {}", path, message)};
  }
  sqlite3_busy_timeout(db, kBusyTimeoutMs);
  auto store = std::make_unique<SqliteStore>(db);
  // WAL lets readers run beside the writer; synchronous=FULL makes every
  // commit durable before the call returns, which charging relies on.
  for (const char* pragma : {"PRAGMA journal_mode=WAL", "PRAGMA synchronous=FULL",
                             "PRAGMA foreign_keys=ON"}) {
    char* message = nullptr;
    if (sqlite3_exec(db, pragma, nullptr, nullptr, &message) != SQLITE_OK) {
      std::string text = message != nullptr ? message : "unknown error";
      sqlite3_free(message);
      return StoreError{Error::kUnavailable, fmt::format("{} failed: {}", pragma, text)};
    }
  }
  if (auto migrated = store->migrate(); !migrated) {
    return migrated.error();
  }
  return std::unique_ptr<Store>(std::move(store));
}

}  // namespace countryhub::store
