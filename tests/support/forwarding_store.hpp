#pragma once

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "store/store.hpp"

namespace countryhub::testing {

// A store that passes every call to a real one. Tests derive from it and
// override only the calls they observe, so a new Store method needs one
// forwarder here instead of one per test.
class ForwardingStore : public store::Store {
 public:
  explicit ForwardingStore(store::Store& inner) : inner_(inner) {}

  store::Result<store::AccountRecord> create_account(std::string_view email, std::string_view plan,
                                                     bool has_overage,
                                                     std::int64_t now_ms) override {
    return inner_.create_account(email, plan, has_overage, now_ms);
  }
  store::Result<store::AccountRecord> find_account(std::string_view email) override {
    return inner_.find_account(email);
  }
  store::Result<store::AccountRecord> find_account_by_id(std::int64_t id) override {
    return inner_.find_account_by_id(id);
  }
  store::Result<void> update_account(const store::AccountRecord& account) override {
    return inner_.update_account(account);
  }
  store::Result<store::KeyRecord> insert_key(const store::KeyRecord& key,
                                             bool make_active) override {
    return inner_.insert_key(key, make_active);
  }
  store::Result<store::KeyRecord> find_key_by_hash(std::string_view key_hash) override {
    return inner_.find_key_by_hash(key_hash);
  }
  store::Result<store::KeyRecord> find_key_by_id(std::int64_t id) override {
    return inner_.find_key_by_id(id);
  }
  store::Result<std::vector<store::KeyRecord>> list_keys(std::int64_t account_id) override {
    return inner_.list_keys(account_id);
  }
  store::Result<void> revoke_key(std::int64_t key_id, std::int64_t now_ms) override {
    return inner_.revoke_key(key_id, now_ms);
  }
  store::Result<store::KeyRecord> rotate_key(std::int64_t old_key_id,
                                             const store::KeyRecord& replacement,
                                             std::int64_t old_expires_at_ms,
                                             std::int64_t now_ms) override {
    return inner_.rotate_key(old_key_id, replacement, old_expires_at_ms, now_ms);
  }
  store::Result<store::ChargeOutcome> charge(const store::ChargeRequest& charge) override {
    return inner_.charge(charge);
  }
  store::Result<std::vector<store::ChargeOutcome>> charge_batch(
      std::span<const store::ChargeRequest> charges) override {
    return inner_.charge_batch(charges);
  }
  store::Result<std::int64_t> month_credits(std::int64_t account_id,
                                            std::string_view month) override {
    return inner_.month_credits(account_id, month);
  }
  store::Result<std::vector<store::DailyUsage>> daily_usage(std::int64_t account_id,
                                                            std::string_view month) override {
    return inner_.daily_usage(account_id, month);
  }
  store::Result<std::int64_t> day_credits(std::int64_t account_id, std::string_view day) override {
    return inner_.day_credits(account_id, day);
  }
  store::Result<store::IdempotentResponse> find_idempotent_response(
      std::int64_t account_id, std::string_view idempotency_key,
      std::int64_t not_before_ms) override {
    return inner_.find_idempotent_response(account_id, idempotency_key, not_before_ms);
  }
  store::Result<std::int64_t> purge_idempotent_responses(std::int64_t before_ms) override {
    return inner_.purge_idempotent_responses(before_ms);
  }
  store::Result<std::int64_t> credentials_version() override {
    return inner_.credentials_version();
  }
  store::Result<void> ping() override { return inner_.ping(); }

 private:
  store::Store& inner_;
};

}  // namespace countryhub::testing
