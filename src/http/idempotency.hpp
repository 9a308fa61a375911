#pragma once

#include <condition_variable>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <variant>

#include "common/clock.hpp"
#include "http/api_error.hpp"
#include "http/message.hpp"
#include "store/store.hpp"

namespace countryhub::http {

// How long a response stays replayable under its Idempotency-Key.
inline constexpr std::int64_t kIdempotencyWindowMs = 24LL * 3600 * 1000;

class IdempotencyGate;

// The right to do the work for one (account, Idempotency-Key). Repeats of
// the key wait while a claim is held. Move-only; released on destruction.
class IdempotencyClaim {
 public:
  IdempotencyClaim() = default;
  IdempotencyClaim(IdempotencyClaim&& other) noexcept
      : gate_(std::exchange(other.gate_, nullptr)), slot_(std::move(other.slot_)) {}
  IdempotencyClaim& operator=(IdempotencyClaim&&) = delete;
  ~IdempotencyClaim();

 private:
  friend class IdempotencyGate;
  IdempotencyGate* gate_ = nullptr;
  std::pair<std::int64_t, std::string> slot_;
};

// Serializes requests that share an Idempotency-Key within an account: the
// first does the work and its 2xx is stored with its charge; a repeat within
// 24 h gets the stored response; a repeat that arrives while the first is
// running waits for it. Errors are not stored, so a repeat after a failure
// does the work anew. Thread-safe.
class IdempotencyGate {
 public:
  IdempotencyGate(store::Store& store, common::Clock clock)
      : store_(store), clock_(std::move(clock)) {}

  // Returns the stored response to replay, or a claim to do the work.
  // Fails with internal_error when the store cannot be read.
  std::variant<store::IdempotentResponse, IdempotencyClaim, ApiFailure> begin(
      std::int64_t account_id, const std::string& idempotency_key);

 private:
  friend class IdempotencyClaim;
  void release(const std::pair<std::int64_t, std::string>& slot);
  // Deletes responses older than the window, at most once an hour.
  void purge_expired(std::int64_t now_ms);

  store::Store& store_;
  common::Clock clock_;
  std::mutex mutex_;
  std::condition_variable released_;
  std::map<std::pair<std::int64_t, std::string>, bool> in_flight_;
  std::int64_t last_purge_ms_ = 0;  // guarded by mutex_
};

// Validates an Idempotency-Key header value: 1 to 255 printable ASCII
// characters. Fails with invalid_request.
std::optional<ApiFailure> check_idempotency_key(std::string_view key);

// Builds the replay of a stored response: same status, headers and body,
// plus `Idempotent-Replayed: true`.
Response replay_response(const store::IdempotentResponse& stored, unsigned http_version);

}  // namespace countryhub::http
