#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>

namespace countryhub::spotify {

// A mutex whose lock can give up at a deadline, for the single-flight locks
// that requests wait on while another request calls Spotify. It is built on
// std::mutex and a condition variable instead of std::timed_mutex because
// ThreadSanitizer (GCC 12) does not see std::timed_mutex::try_lock_until
// take the lock: it reports an unlock of an unlocked mutex and false data
// races on everything the lock guards. Meets the Lockable requirements, and
// std::unique_lock's try_lock_until works with steady_clock deadlines.
class DeadlineMutex {
 public:
  void lock() {
    std::unique_lock guard(mutex_);
    released_.wait(guard, [this] { return !is_locked_; });
    is_locked_ = true;
  }

  bool try_lock() {
    std::lock_guard guard(mutex_);
    if (is_locked_) {
      return false;
    }
    is_locked_ = true;
    return true;
  }

  // Returns false when the lock was still held by another thread at `deadline`.
  bool try_lock_until(std::chrono::steady_clock::time_point deadline) {
    std::unique_lock guard(mutex_);
    if (!released_.wait_until(guard, deadline, [this] { return !is_locked_; })) {
      return false;
    }
    is_locked_ = true;
    return true;
  }

  void unlock() {
    {
      std::lock_guard guard(mutex_);
      is_locked_ = false;
    }
    released_.notify_one();
  }

 private:
  std::mutex mutex_;  // guards is_locked_
  std::condition_variable released_;
  bool is_locked_ = false;
};

}  // namespace countryhub::spotify
