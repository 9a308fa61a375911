#pragma once

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <future>
#include <mutex>
#include <thread>
#include <vector>

#include "store/store.hpp"

namespace countryhub::billing {

// Writes charges to the store in batches, one transaction (one disk sync)
// per batch. A request waits for the batch holding its charge to commit, so
// each answer is still durable before it is sent; while one batch syncs,
// the charges that arrive queue for the next. Under light load a charge is
// written alone at once; under heavy load batches grow, so throughput is not
// bounded by the disk's sync rate. Thread-safe.
class GroupCommitter {
 public:
  explicit GroupCommitter(store::Store& store, std::size_t max_batch = 512);
  ~GroupCommitter();
  GroupCommitter(const GroupCommitter&) = delete;
  GroupCommitter& operator=(const GroupCommitter&) = delete;

  using Done = std::function<void(store::Result<store::ChargeOutcome>)>;

  // Queues `charge` and blocks until its batch is committed; returns the
  // charge's outcome, or the store error that failed the whole batch.
  store::Result<store::ChargeOutcome> commit(store::ChargeRequest charge);

  // Queues `charge` and returns at once. `done` runs on the committer's
  // thread with the outcome once the batch is committed, so it must be
  // quick: hand the rest of the work to another thread.
  void commit_async(store::ChargeRequest charge, Done done);

  // Number of batches written so far, for metrics and tests.
  std::uint64_t batch_count() const;

 private:
  struct Pending {
    store::ChargeRequest charge;
    Done done;
  };

  void run();
  void write(std::vector<Pending>& batch);

  store::Store& store_;
  const std::size_t max_batch_;
  mutable std::mutex mutex_;
  std::condition_variable has_work_;
  std::vector<Pending> queue_;
  bool is_stopping_ = false;
  std::uint64_t batch_count_ = 0;
  std::thread writer_;
};

}  // namespace countryhub::billing
