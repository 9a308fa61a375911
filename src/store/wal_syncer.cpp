#include "store/wal_syncer.hpp"

#include <csignal>

#include <sqlite3.h>

#include "common/logging.hpp"

namespace countryhub::store {

WalSyncer::WalSyncer(const std::string& path, std::chrono::milliseconds interval)
    : connection_(path), interval_(interval) {
  // NORMAL syncs the WAL before each checkpoint and the database after it.
  connection_.exec("PRAGMA synchronous=NORMAL");
  thread_ = std::thread([this] { run(); });
}

WalSyncer::~WalSyncer() {
  {
    std::lock_guard lock(mutex_);
    is_stopping_ = true;
  }
  wake_.notify_one();
  thread_.join();
}

void WalSyncer::run() {
  // Only the threads the program chose may handle signals, so this one blocks them all.
  sigset_t all;
  sigfillset(&all);
  pthread_sigmask(SIG_BLOCK, &all, nullptr);
  std::unique_lock lock(mutex_);
  for (;;) {
    const bool is_stopping = wake_.wait_for(lock, interval_, [this] { return is_stopping_; });
    lock.unlock();
    checkpoint();
    lock.lock();
    if (is_stopping) {
      return;
    }
  }
}

void WalSyncer::checkpoint() {
  int wal_frames = 0;
  int copied_frames = 0;
  const int rc = sqlite3_wal_checkpoint_v2(connection_.handle(), nullptr,
                                           SQLITE_CHECKPOINT_PASSIVE, &wal_frames, &copied_frames);
  // BUSY means another connection (another process) is checkpointing now.
  if (rc != SQLITE_OK && rc != SQLITE_BUSY) {
    common::logger("store")->warn("wal_checkpoint_failed code={} reason=\"{}\"", rc,
                                  sqlite3_errmsg(connection_.handle()));
  }
}

}  // namespace countryhub::store
