#include "store/sqlite_store.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <thread>
#include <vector>

#include <fmt/format.h>
#include <sqlite3.h>

#include "common/logging.hpp"
#include "store/migrations.hpp"
#include "store/sqlite_charges.hpp"
#include "store/sqlite_connection.hpp"
#include "store/wal_syncer.hpp"

namespace countryhub::store {
namespace {

// Readers beside the writer: enough that the few reads of the hot path
// rarely queue, few enough that idle connections cost little.
constexpr std::size_t kReaderCount = 4;
// With every commit synced, the background checkpoint only keeps the WAL short.
constexpr std::chrono::milliseconds kCheckpointIntervalWhenSynced{1000};

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

// Holds BEGIN IMMEDIATE .. COMMIT; rolls back when left without commit().
// IMMEDIATE takes the write lock before anything is read, so no other
// process can slip a write between a check and the write that relies on it.
class Transaction {
 public:
  explicit Transaction(SqliteConnection& connection) : connection_(connection) {
    connection_.prepare("BEGIN IMMEDIATE")->step();
  }
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  ~Transaction() {
    if (!is_committed_) {
      sqlite3_exec(connection_.handle(), "ROLLBACK", nullptr, nullptr, nullptr);
    }
  }
  void commit() {
    connection_.prepare("COMMIT")->step();
    is_committed_ = true;
  }

 private:
  SqliteConnection& connection_;
  bool is_committed_ = false;
};

// Sets journal_mode=WAL. Switching a new database to WAL needs it alone, and
// SQLite does not wait for that lock, so two processes opening a new file at
// once retry here instead of failing.
void enable_wal(SqliteConnection& connection) {
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  for (;;) {
    try {
      connection.exec("PRAGMA journal_mode=WAL");
      return;
    } catch (const SqliteError& error) {
      if ((error.code & 0xff) != SQLITE_BUSY || std::chrono::steady_clock::now() > give_up) {
        throw;
      }
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

class SqliteStore final : public Store {
 public:
  // Throws SqliteError.
  SqliteStore(const std::string& path, const StoreOptions& options) : writer_(path) {
    const bool is_synced_per_commit = options.sync_interval.count() <= 0;
    enable_wal(writer_);
    if (is_synced_per_commit) {
      writer_.exec("PRAGMA synchronous=FULL");
    } else {
      writer_.exec("PRAGMA synchronous=NORMAL");
    }
    writer_.exec("PRAGMA foreign_keys=ON");
    if (path == ":memory:") {
      return;  // every connection would open its own empty database
    }
    // The syncer checkpoints instead of the writer's commits.
    writer_.exec("PRAGMA wal_autocheckpoint=0");
    for (std::size_t i = 0; i < kReaderCount; ++i) {
      readers_.push_back(std::make_unique<SqliteConnection>(path));
    }
    syncer_ = std::make_unique<WalSyncer>(
        path, is_synced_per_commit ? kCheckpointIntervalWhenSynced : options.sync_interval);
  }

  Result<void> migrate() {
    return write([&](SqliteConnection& db) -> Result<void> {
      Transaction transaction(db);
      std::int64_t current = 0;
      {
        auto version = db.prepare("PRAGMA user_version");
        version->step();
        current = version->column_int(0);
      }
      const auto migrations = sqlite_migrations();
      if (static_cast<std::size_t>(current) > migrations.size()) {
        return StoreError{Error::kInvalidSchema,
                          fmt::format("database schema version {} is newer than this "
                                      "countryhub ({}); upgrade countryhub",
                                      current, migrations.size())};
      }
      for (auto next = static_cast<std::size_t>(current); next < migrations.size(); ++next) {
        db.exec(std::string(migrations[next]));
        db.exec(fmt::format("PRAGMA user_version = {}", next + 1));
        common::logger("store")->info("migration_applied version={}", next + 1);
      }
      transaction.commit();
      return {};
    });
  }

  // Reads once on every reader, so each opens its files (the WAL and its
  // index) and prepares the hot path's statement now rather than under load.
  Result<void> warm_readers() {
    for (const auto& reader : readers_) {
      auto lock = reader->lock();
      auto read_version = [](SqliteConnection& db) -> Result<void> {
        db.prepare("SELECT version FROM credential_changes WHERE id = 1")->step();
        return {};
      };
      auto version = run(*reader, read_version);
      if (!version) {
        return version.error();
      }
    }
    return {};
  }

  Result<AccountRecord> create_account(std::string_view email, std::string_view plan,
                                       bool has_overage, std::int64_t now_ms) override {
    return write([&](SqliteConnection& db) -> Result<AccountRecord> {
      auto insert = db.prepare(
          "INSERT INTO accounts (email, plan, has_overage, created_at_ms) VALUES (?, ?, ?, ?)");
      insert->bind(1, email).bind(2, plan).bind(3, std::int64_t{has_overage}).bind(4, now_ms);
      insert->step();
      return AccountRecord{sqlite3_last_insert_rowid(db.handle()), std::string(email),
                           std::string(plan), has_overage, false, now_ms};
    });
  }

  Result<AccountRecord> find_account(std::string_view email) override {
    return read([&](SqliteConnection& db) -> Result<AccountRecord> {
      auto select =
          db.prepare(fmt::format("SELECT {} FROM accounts WHERE email = ?", kAccountColumns));
      select->bind(1, email);
      if (!select->step()) {
        return StoreError{Error::kNotFound, fmt::format("no account with email '{}'", email)};
      }
      return read_account(*select);
    });
  }

  Result<AccountRecord> find_account_by_id(std::int64_t id) override {
    return read([&](SqliteConnection& db) -> Result<AccountRecord> {
      auto select = db.prepare(fmt::format("SELECT {} FROM accounts WHERE id = ?", kAccountColumns));
      select->bind(1, id);
      if (!select->step()) {
        return StoreError{Error::kNotFound, fmt::format("no account with id {}", id)};
      }
      return read_account(*select);
    });
  }

  Result<void> update_account(const AccountRecord& account) override {
    return write([&](SqliteConnection& db) -> Result<void> {
      auto update =
          db.prepare("UPDATE accounts SET plan = ?, has_overage = ?, is_disabled = ? WHERE id = ?");
      update->bind(1, account.plan)
          .bind(2, std::int64_t{account.has_overage})
          .bind(3, std::int64_t{account.is_disabled})
          .bind(4, account.id);
      update->step();
      if (sqlite3_changes(db.handle()) == 0) {
        return StoreError{Error::kNotFound, fmt::format("no account with id {}", account.id)};
      }
      return {};
    });
  }

  Result<KeyRecord> insert_key(const KeyRecord& key, bool make_active) override {
    return write([&](SqliteConnection& db) -> Result<KeyRecord> {
      Transaction transaction(db);
      KeyRecord stored = insert_key_row(db, key, make_active);
      transaction.commit();
      return stored;
    });
  }

  Result<KeyRecord> find_key_by_hash(std::string_view key_hash) override {
    return read([&](SqliteConnection& db) -> Result<KeyRecord> {
      auto select = db.prepare(fmt::format("SELECT {} FROM api_keys WHERE key_hash = ?", kKeyColumns));
      select->bind(1, key_hash);
      if (!select->step()) {
        return StoreError{Error::kNotFound, "no key with this hash"};
      }
      return read_key(*select);
    });
  }

  Result<KeyRecord> find_key_by_id(std::int64_t id) override {
    return read([&](SqliteConnection& db) -> Result<KeyRecord> {
      auto select = db.prepare(fmt::format("SELECT {} FROM api_keys WHERE id = ?", kKeyColumns));
      select->bind(1, id);
      if (!select->step()) {
        return StoreError{Error::kNotFound, fmt::format("no key with id {}", id)};
      }
      return read_key(*select);
    });
  }

  Result<std::vector<KeyRecord>> list_keys(std::int64_t account_id) override {
    return read([&](SqliteConnection& db) -> Result<std::vector<KeyRecord>> {
      auto select = db.prepare(
          fmt::format("SELECT {} FROM api_keys WHERE account_id = ? ORDER BY id", kKeyColumns));
      select->bind(1, account_id);
      std::vector<KeyRecord> keys;
      while (select->step()) {
        keys.push_back(read_key(*select));
      }
      return keys;
    });
  }

  Result<void> revoke_key(std::int64_t key_id, std::int64_t now_ms) override {
    return write([&](SqliteConnection& db) -> Result<void> {
      auto update = db.prepare(
          "UPDATE api_keys SET revoked_at_ms = COALESCE(revoked_at_ms, ?), is_active = 0 "
          "WHERE id = ?");
      update->bind(1, now_ms).bind(2, key_id);
      update->step();
      if (sqlite3_changes(db.handle()) == 0) {
        return StoreError{Error::kNotFound, fmt::format("no key with id {}", key_id)};
      }
      return {};
    });
  }

  Result<KeyRecord> rotate_key(std::int64_t old_key_id, const KeyRecord& replacement,
                               std::int64_t old_expires_at_ms, std::int64_t now_ms) override {
    return write([&](SqliteConnection& db) -> Result<KeyRecord> {
      Transaction transaction(db);
      {
        auto update = db.prepare(
            "UPDATE api_keys SET is_active = 0, expires_at_ms = ?, revoked_at_ms = CASE WHEN ? "
            "THEN COALESCE(revoked_at_ms, ?) ELSE revoked_at_ms END WHERE id = ?");
        update->bind(1, old_expires_at_ms)
            .bind(2, std::int64_t{old_expires_at_ms <= now_ms})
            .bind(3, now_ms)
            .bind(4, old_key_id);
        update->step();
      }
      if (sqlite3_changes(db.handle()) == 0) {
        return StoreError{Error::kNotFound, fmt::format("no key with id {}", old_key_id)};
      }
      KeyRecord stored = insert_key_row(db, replacement, true);
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
    return write([&](SqliteConnection& db) -> Result<std::vector<ChargeOutcome>> {
      Transaction transaction(db);
      std::vector<ChargeOutcome> outcomes = apply_charges(db, charges);
      transaction.commit();
      return outcomes;
    });
  }

  Result<std::int64_t> day_credits(std::int64_t account_id, std::string_view day) override {
    return read([&](SqliteConnection& db) -> Result<std::int64_t> {
      return read_day_credits(db, account_id, day);
    });
  }

  Result<IdempotentResponse> find_idempotent_response(std::int64_t account_id,
                                                      std::string_view idempotency_key,
                                                      std::int64_t not_before_ms) override {
    return read([&](SqliteConnection& db) -> Result<IdempotentResponse> {
      auto select = db.prepare(
          "SELECT created_at_ms, status, headers, body FROM idempotent_responses "
          "WHERE account_id = ? AND idempotency_key = ? AND created_at_ms >= ?");
      select->bind(1, account_id).bind(2, idempotency_key).bind(3, not_before_ms);
      if (!select->step()) {
        return StoreError{Error::kNotFound, "no stored response for this idempotency key"};
      }
      return IdempotentResponse{std::string(idempotency_key), select->column_int(0),
                                static_cast<int>(select->column_int(1)), select->column_text(2),
                                select->column_text(3)};
    });
  }

  Result<std::int64_t> purge_idempotent_responses(std::int64_t before_ms) override {
    return write([&](SqliteConnection& db) -> Result<std::int64_t> {
      auto remove = db.prepare("DELETE FROM idempotent_responses WHERE created_at_ms < ?");
      remove->bind(1, before_ms);
      remove->step();
      return static_cast<std::int64_t>(sqlite3_changes(db.handle()));
    });
  }

  Result<std::int64_t> month_credits(std::int64_t account_id, std::string_view month) override {
    return read([&](SqliteConnection& db) -> Result<std::int64_t> {
      return read_month_credits(db, account_id, month);
    });
  }

  Result<std::vector<DailyUsage>> daily_usage(std::int64_t account_id,
                                              std::string_view month) override {
    return read([&](SqliteConnection& db) -> Result<std::vector<DailyUsage>> {
      auto select = db.prepare(
          "SELECT day, credits, requests FROM usage_daily WHERE account_id = ? AND month = ? "
          "ORDER BY day");
      select->bind(1, account_id).bind(2, month);
      std::vector<DailyUsage> days;
      while (select->step()) {
        days.push_back(
            DailyUsage{select->column_text(0), select->column_int(1), select->column_int(2)});
      }
      return days;
    });
  }

  Result<std::int64_t> credentials_version() override {
    return read([&](SqliteConnection& db) -> Result<std::int64_t> {
      auto select = db.prepare("SELECT version FROM credential_changes WHERE id = 1");
      select->step();
      return select->column_int(0);
    });
  }

  Result<void> ping() override {
    return read([&](SqliteConnection& db) -> Result<void> {
      db.prepare("SELECT 1")->step();
      return {};
    });
  }

 private:
  // Runs `body` on the writer connection under its lock and turns SQLite
  // failures into store errors, so no exception leaves the store.
  template <class Body>
  auto write(Body&& body) -> decltype(body(std::declval<SqliteConnection&>())) {
    auto lock = writer_.lock();
    return run(writer_, body);
  }

  // Runs `body` on a free reader connection (the writer for an in-memory
  // database). WAL lets readers go on while the writer commits.
  template <class Body>
  auto read(Body&& body) -> decltype(body(std::declval<SqliteConnection&>())) {
    if (readers_.empty()) {
      return write(body);
    }
    for (const auto& reader : readers_) {
      if (auto lock = reader->try_lock(); lock.owns_lock()) {
        return run(*reader, body);
      }
    }
    SqliteConnection& reader = *readers_[next_reader_.fetch_add(1) % readers_.size()];
    auto lock = reader.lock();
    return run(reader, body);
  }

  template <class Body>
  static auto run(SqliteConnection& db, Body& body) -> decltype(body(db)) {
    try {
      return body(db);
    } catch (const SqliteError& error) {
      return to_store_error(error);
    }
  }

  static KeyRecord insert_key_row(SqliteConnection& db, const KeyRecord& key, bool make_active) {
    if (make_active) {
      auto clear = db.prepare("UPDATE api_keys SET is_active = 0 WHERE account_id = ?");
      clear->bind(1, key.account_id);
      clear->step();
    }
    auto insert = db.prepare(
        "INSERT INTO api_keys (account_id, key_hash, display_prefix, created_at_ms, "
        "expires_at_ms, revoked_at_ms, is_active) VALUES (?, ?, ?, ?, ?, ?, ?)");
    insert->bind(1, key.account_id)
        .bind(2, key.key_hash)
        .bind(3, key.display_prefix)
        .bind(4, key.created_at_ms)
        .bind(5, key.expires_at_ms)
        .bind(6, key.revoked_at_ms)
        .bind(7, std::int64_t{make_active});
    insert->step();
    KeyRecord stored = key;
    stored.id = sqlite3_last_insert_rowid(db.handle());
    stored.is_active = make_active;
    return stored;
  }

  SqliteConnection writer_;
  std::vector<std::unique_ptr<SqliteConnection>> readers_;
  std::atomic<std::size_t> next_reader_{0};
  // Declared last: destroyed first, so its last checkpoint runs while the
  // other connections are still open.
  std::unique_ptr<WalSyncer> syncer_;
};

}  // namespace

Result<std::unique_ptr<Store>> open_sqlite_store(const std::string& path,
                                                 const StoreOptions& options) {
  if (path != ":memory:" && !create_private_file(path)) {
    return StoreError{Error::kUnavailable,
                      fmt::format("cannot create database file '{}'; check that the folder "
                                  "exists and is writable",
                                  path)};
  }
  std::unique_ptr<SqliteStore> store;
  try {
    store = std::make_unique<SqliteStore>(path, options);
  } catch (const SqliteError& error) {
    return StoreError{Error::kUnavailable,
                      fmt::format("cannot open database '{}': {}", path, error.message)};
  }
  if (auto migrated = store->migrate(); !migrated) {
    return migrated.error();
  }
  if (auto warmed = store->warm_readers(); !warmed) {
    return warmed.error();
  }
  return std::unique_ptr<Store>(std::move(store));
}

}  // namespace countryhub::store
