#include "http/idempotency.hpp"

#include <algorithm>

#include <boost/beast/http/field.hpp>

#include "common/logging.hpp"

namespace countryhub::http {

IdempotencyClaim::~IdempotencyClaim() {
  if (gate_ != nullptr) {
    gate_->release(slot_);
  }
}

std::variant<store::IdempotentResponse, IdempotencyClaim, ApiFailure> IdempotencyGate::begin(
    std::int64_t account_id, const std::string& idempotency_key) {
  auto slot = std::make_pair(account_id, idempotency_key);
  {
    std::unique_lock lock(mutex_);
    released_.wait(lock, [&] { return !in_flight_.contains(slot); });
    in_flight_.emplace(slot, true);
  }
  // From here this request holds the claim: no other request of the key can
  // be between its lookup and its charge.
  IdempotencyClaim claim;
  claim.gate_ = this;
  claim.slot_ = slot;
  const std::int64_t now_ms = clock_();
  purge_expired(now_ms);
  auto stored = store_.find_idempotent_response(account_id, idempotency_key,
                                                now_ms - kIdempotencyWindowMs);
  if (stored) {
    return std::move(*stored);
  }
  if (stored.error().kind != store::Error::kNotFound) {
    common::logger("http")->error("idempotency_lookup_failed account_id={} reason=\"{}\"",
                                  account_id, stored.error().detail);
    return ApiFailure{ApiError::kInternalError,
                      "Internal error: the Idempotency-Key could not be checked; retry"};
  }
  return claim;
}

void IdempotencyGate::purge_expired(std::int64_t now_ms) {
  {
    std::lock_guard lock(mutex_);
    if (now_ms - last_purge_ms_ < 3600 * 1000) {
      return;
    }
    last_purge_ms_ = now_ms;
  }
  auto purged = store_.purge_idempotent_responses(now_ms - kIdempotencyWindowMs);
  if (!purged) {
    common::logger("http")->warn("idempotency_purge_failed reason=\"{}\"", purged.error().detail);
  }
}

void IdempotencyGate::release(const std::pair<std::int64_t, std::string>& slot) {
  {
    std::lock_guard lock(mutex_);
    in_flight_.erase(slot);
  }
  released_.notify_all();
}

std::optional<ApiFailure> check_idempotency_key(std::string_view key) {
  const bool is_printable = std::all_of(key.begin(), key.end(), [](char c) {
    return c >= 0x21 && c <= 0x7e;
  });
  if (key.empty() || key.size() > 255 || !is_printable) {
    return ApiFailure{ApiError::kInvalidRequest,
                      "Idempotency-Key must be 1 to 255 printable ASCII characters without "
                      "spaces, such as a UUID"};
  }
  return std::nullopt;
}

Response replay_response(const store::IdempotentResponse& stored, unsigned http_version) {
  Response response{static_cast<boost::beast::http::status>(stored.status), http_version};
  std::string_view headers = stored.headers;
  while (!headers.empty()) {
    const auto end = headers.find('\n');
    const std::string_view line = headers.substr(0, end);
    headers.remove_prefix(end == std::string_view::npos ? headers.size() : end + 1);
    const auto colon = line.find(": ");
    if (colon != std::string_view::npos) {
      response.set(line.substr(0, colon), line.substr(colon + 2));
    }
  }
  response.set("Idempotent-Replayed", "true");
  response.body() = stored.body;
  response.prepare_payload();
  return response;
}

}  // namespace countryhub::http
