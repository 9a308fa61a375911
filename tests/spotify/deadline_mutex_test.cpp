#include <chrono>
#include <mutex>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "spotify/deadline_mutex.hpp"

namespace countryhub::spotify {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

TEST(DeadlineMutex, GivesUpAtDeadlineWhileHeld) {
  DeadlineMutex mutex;
  std::unique_lock held(mutex);
  bool is_acquired = true;
  Clock::duration waited{};
  std::thread waiter([&] {
    const auto start = Clock::now();
    std::unique_lock attempt(mutex, std::defer_lock);
    is_acquired = attempt.try_lock_until(start + milliseconds(100));
    waited = Clock::now() - start;
  });
  waiter.join();
  EXPECT_FALSE(is_acquired);
  EXPECT_GE(waited, milliseconds(100));
  EXPECT_FALSE(mutex.try_lock());
}

TEST(DeadlineMutex, WaiterGetsLockWhenReleased) {
  DeadlineMutex mutex;
  mutex.lock();
  bool is_acquired = false;
  std::thread waiter([&] {
    std::unique_lock attempt(mutex, std::defer_lock);
    is_acquired = attempt.try_lock_until(Clock::now() + std::chrono::seconds(5));
  });
  std::this_thread::sleep_for(milliseconds(20));
  mutex.unlock();
  waiter.join();
  EXPECT_TRUE(is_acquired);
  EXPECT_TRUE(mutex.try_lock());
  mutex.unlock();
}

TEST(DeadlineMutex, SerializesWriters) {
  DeadlineMutex mutex;
  int counter = 0;
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 1000; ++i) {
        std::lock_guard guard(mutex);
        ++counter;
      }
    });
  }
  for (std::thread& thread : threads) {
    thread.join();
  }
  EXPECT_EQ(counter, 4000);
}

}  // namespace
}  // namespace countryhub::spotify
