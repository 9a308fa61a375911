#include "spotify/learned_state.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "common/logging.hpp"
#include "spotify/client_defaults.hpp"

namespace countryhub::spotify {
namespace {

bool contains(const std::vector<std::string>& list, const std::string& value) {
  return std::find(list.begin(), list.end(), value) != list.end();
}

std::optional<TotpSecret> configured_secret(const ClientConfig& config) {
  if (config.totp_secret.empty()) {
    return std::nullopt;
  }
  return TotpSecret{config.totp_secret, config.totp_version};
}

}  // namespace

std::string describe_secret(const SecretCandidate& candidate) {
  return fmt::format("{} ({})", candidate.secret.version,
                     candidate.origin == SecretOrigin::kConfigured ? "configured" : "bundle");
}

LearnedState::LearnedState(const ClientConfig& config)
    : state_dir_(config.state_dir),
      configured_hashes_(config.query_hashes),
      configured_secret_(configured_secret(config)) {
  if (!state_dir_.empty()) {
    load(state_dir_);
  }
}

void LearnedState::load(const std::string& folder) {
  const std::optional<PersistedState> state = read_state_file(folder);
  if (!state) {
    return;
  }
  for (const std::string& hash : state->learned_hashes) {
    if (!contains(configured_hashes_, hash) && !contains(learned_hashes_, hash)) {
      learned_hashes_.push_back(hash);
    }
  }
  if (!state->working_hash.empty()) {
    if (!contains(configured_hashes_, state->working_hash) &&
        !contains(learned_hashes_, state->working_hash)) {
      learned_hashes_.push_back(state->working_hash);
    }
    working_route_ = QueryRoute{QueryForm::kV2Post, state->working_hash};
  }
  if (state->bundle_secret) {
    good_bundle_secret_ = state->bundle_secret;
    bundle_secrets_ = {*state->bundle_secret};
  }
  common::logger("spotify")->info(
      "state_loaded folder={} learned_hashes={} working_hash={} bundle_secret_version={}", folder,
      learned_hashes_.size(), state->working_hash.substr(0, 8),
      state->bundle_secret ? state->bundle_secret->version : 0);
}

void LearnedState::configure(const ClientConfig& config) {
  std::optional<Snapshot> snapshot;
  {
    std::lock_guard lock(mutex_);
    configured_hashes_ = config.query_hashes;
    std::erase_if(learned_hashes_,
                  [&](const std::string& hash) { return contains(configured_hashes_, hash); });
    configured_secret_ = configured_secret(config);
    rejected_.clear();
    const bool has_new_folder = config.state_dir != state_dir_;
    state_dir_ = config.state_dir;
    if (has_new_folder) {
      snapshot = snapshot_locked();
    }
  }
  persist(snapshot);
}

std::vector<std::string> LearnedState::hashes() const {
  std::lock_guard lock(mutex_);
  std::vector<std::string> all = configured_hashes_;
  all.insert(all.end(), learned_hashes_.begin(), learned_hashes_.end());
  return all;
}

std::optional<QueryRoute> LearnedState::working_route() const {
  std::lock_guard lock(mutex_);
  return working_route_;
}

void LearnedState::record_route_success(const QueryRoute& route) {
  std::optional<Snapshot> snapshot;
  {
    std::lock_guard lock(mutex_);
    stale_fetches_.erase(route.hash);
    const bool is_new_hash = !working_route_ || working_route_->hash != route.hash;
    working_route_ = route;
    if (is_new_hash) {
      snapshot = snapshot_locked();
    }
  }
  persist(snapshot);
}

void LearnedState::record_stale_hashes(const std::vector<std::string>& hashes) {
  std::optional<Snapshot> snapshot;
  {
    std::lock_guard lock(mutex_);
    for (const std::string& hash : hashes) {
      const int count = ++stale_fetches_[hash];
      if (count < kStaleFetchesBeforeEviction || !contains(learned_hashes_, hash)) {
        continue;
      }
      std::erase(learned_hashes_, hash);
      stale_fetches_.erase(hash);
      if (working_route_ && working_route_->hash == hash) {
        working_route_.reset();
      }
      common::logger("spotify")->warn("query_hash_forgotten hash={} stale_fetches_in_a_row={}",
                                      hash.substr(0, 8), count);
      snapshot = snapshot_locked();
    }
  }
  persist(snapshot);
}

std::size_t LearnedState::absorb_hashes(const std::vector<std::string>& hashes) {
  std::optional<Snapshot> snapshot;
  std::size_t added = 0;
  {
    std::lock_guard lock(mutex_);
    for (const std::string& hash : hashes) {
      if (!contains(configured_hashes_, hash) && !contains(learned_hashes_, hash)) {
        learned_hashes_.push_back(hash);
        ++added;
      }
    }
    if (added > 0) {
      snapshot = snapshot_locked();
    }
  }
  persist(snapshot);
  return added;
}

bool LearnedState::is_rejected_locked(const TotpSecret& secret, TimePoint now) const {
  return std::any_of(rejected_.begin(), rejected_.end(), [&](const auto& rejection) {
    return rejection.first == secret &&
           now - rejection.second < std::chrono::milliseconds(kRejectedSecretPauseMs);
  });
}

std::vector<SecretCandidate> LearnedState::secret_candidates(TimePoint now) const {
  std::lock_guard lock(mutex_);
  std::vector<SecretCandidate> candidates;
  if (configured_secret_ && !is_rejected_locked(*configured_secret_, now)) {
    candidates.push_back(SecretCandidate{*configured_secret_, SecretOrigin::kConfigured});
  }
  for (const TotpSecret& secret : bundle_secrets_) {
    if (secret != configured_secret_ && !is_rejected_locked(secret, now)) {
      candidates.push_back(SecretCandidate{secret, SecretOrigin::kBundle});
    }
  }
  return candidates;
}

void LearnedState::absorb_secrets(const std::vector<TotpSecret>& table) {
  if (table.empty()) {
    return;
  }
  std::lock_guard lock(mutex_);
  bundle_secrets_ = table;
}

void LearnedState::record_secret_success(const SecretCandidate& candidate) {
  std::optional<Snapshot> snapshot;
  {
    std::lock_guard lock(mutex_);
    secret_in_use_ = describe_secret(candidate);
    if (candidate.origin == SecretOrigin::kBundle && good_bundle_secret_ != candidate.secret) {
      good_bundle_secret_ = candidate.secret;
      snapshot = snapshot_locked();
    }
  }
  persist(snapshot);
}

void LearnedState::record_secret_rejected(const SecretCandidate& candidate, TimePoint now) {
  std::lock_guard lock(mutex_);
  std::erase_if(rejected_,
                [&](const auto& rejection) { return rejection.first == candidate.secret; });
  rejected_.emplace_back(candidate.secret, now);
}

void LearnedState::record_embed_token() {
  std::lock_guard lock(mutex_);
  secret_in_use_ = "embed";
}

std::string LearnedState::secret_in_use() const {
  std::lock_guard lock(mutex_);
  return secret_in_use_;
}

std::optional<LearnedState::Snapshot> LearnedState::snapshot_locked() const {
  if (state_dir_.empty()) {
    return std::nullopt;
  }
  Snapshot snapshot;
  snapshot.folder = state_dir_;
  snapshot.state.learned_hashes = learned_hashes_;
  snapshot.state.working_hash = working_route_ ? working_route_->hash : std::string();
  snapshot.state.bundle_secret = good_bundle_secret_;
  snapshot.sequence = ++snapshots_taken_;
  return snapshot;
}

void LearnedState::persist(const std::optional<Snapshot>& snapshot) {
  if (!snapshot) {
    return;
  }
  std::lock_guard lock(write_mutex_);
  if (snapshot->sequence <= last_written_) {
    return;  // a newer snapshot was written already
  }
  last_written_ = snapshot->sequence;
  write_state_file(snapshot->folder, snapshot->state);
}

}  // namespace countryhub::spotify
