#include "billing/group_commit.hpp"

#include "common/logging.hpp"

namespace countryhub::billing {

GroupCommitter::GroupCommitter(store::Store& store, std::size_t max_batch)
    : store_(store), max_batch_(max_batch), writer_([this] { run(); }) {}

GroupCommitter::~GroupCommitter() {
  {
    std::lock_guard lock(mutex_);
    is_stopping_ = true;
  }
  has_work_.notify_one();
  writer_.join();
}

store::Result<store::ChargeOutcome> GroupCommitter::commit(store::ChargeRequest charge) {
  auto outcome = std::make_shared<std::promise<store::Result<store::ChargeOutcome>>>();
  auto committed = outcome->get_future();
  commit_async(std::move(charge), [outcome](store::Result<store::ChargeOutcome> result) {
    outcome->set_value(std::move(result));
  });
  return committed.get();
}

void GroupCommitter::commit_async(store::ChargeRequest charge, Done done) {
  {
    std::lock_guard lock(mutex_);
    queue_.push_back(Pending{std::move(charge), std::move(done)});
  }
  has_work_.notify_one();
}

std::uint64_t GroupCommitter::batch_count() const {
  std::lock_guard lock(mutex_);
  return batch_count_;
}

void GroupCommitter::run() {
  std::vector<Pending> batch;
  for (;;) {
    {
      std::unique_lock lock(mutex_);
      has_work_.wait(lock, [this] { return is_stopping_ || !queue_.empty(); });
      if (queue_.empty()) {
        return;  // stopping with nothing left to write
      }
      const std::size_t count = std::min(queue_.size(), max_batch_);
      batch.assign(std::make_move_iterator(queue_.begin()),
                   std::make_move_iterator(queue_.begin() + static_cast<std::ptrdiff_t>(count)));
      queue_.erase(queue_.begin(), queue_.begin() + static_cast<std::ptrdiff_t>(count));
      ++batch_count_;
    }
    write(batch);
    batch.clear();
  }
}

void GroupCommitter::write(std::vector<Pending>& batch) {
  std::vector<store::ChargeRequest> charges;
  charges.reserve(batch.size());
  for (Pending& pending : batch) {
    charges.push_back(std::move(pending.charge));
  }
  auto outcomes = store_.charge_batch(charges);
  if (!outcomes) {
    common::logger("billing")->error("charge_batch_failed size={} reason=\"{}\"", batch.size(),
                                     outcomes.error().detail);
    for (Pending& pending : batch) {
      pending.done(outcomes.error());
    }
    return;
  }
  for (std::size_t i = 0; i < batch.size(); ++i) {
    batch[i].done((*outcomes)[i]);
  }
}

}  // namespace countryhub::billing
