#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>

#include "store/sqlite_connection.hpp"

namespace countryhub::store {

// Checkpoints a WAL database from a background thread every `interval`.
// A passive checkpoint syncs the WAL to disk, copies it into the database
// file and syncs that, on its own connection: readers and the writer go on
// meanwhile, so no request waits for the disk. It also keeps the writer
// from ever running a checkpoint, with its syncs, inside a commit.
class WalSyncer {
 public:
  // Throws SqliteError when the connection cannot be opened.
  WalSyncer(const std::string& path, std::chrono::milliseconds interval);
  WalSyncer(const WalSyncer&) = delete;
  WalSyncer& operator=(const WalSyncer&) = delete;
  // Stops the thread after one last checkpoint.
  ~WalSyncer();

 private:
  void run();
  void checkpoint();

  SqliteConnection connection_;
  const std::chrono::milliseconds interval_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool is_stopping_ = false;
  std::thread thread_;
};

}  // namespace countryhub::store
