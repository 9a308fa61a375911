#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "spotify/hub_client.hpp"
#include "spotify/query_route.hpp"
#include "spotify/state_file.hpp"
#include "spotify/totp.hpp"

namespace countryhub::spotify {

// Origin of a TOTP secret.
enum class SecretOrigin { kConfigured, kBundle };

struct SecretCandidate {
  TotpSecret secret;
  SecretOrigin origin = SecretOrigin::kConfigured;
};

// Returns "61 (configured)" or "61 (bundle)".
std::string describe_secret(const SecretCandidate& candidate);

// The client's knowledge of Spotify's moving parts beyond its
// configuration: countryHubsPage hashes found in the bundle, the query route
// that last worked, the bundle's TOTP table, and which secrets Spotify
// rejected. Kept in `<state_dir>/upstream_state.json` when a folder is
// configured. Thread-safe; the file is written outside the state lock.
class LearnedState {
 public:
  using TimePoint = std::chrono::steady_clock::time_point;

  // Loads the state file of `config.state_dir`, when set.
  explicit LearnedState(const ClientConfig& config);

  // Applies a reloaded configuration: the configured hashes and secret and
  // the state folder. Rejections are forgotten, so a secret the operator
  // configures again is tried again.
  void configure(const ClientConfig& config);

  // Returns the known hashes: configured ones in order, then learned ones
  // in the order they were found.
  std::vector<std::string> hashes() const;

  // Returns the route that last gave a hub; a hash loaded from the state
  // file comes back as a v2 route. nullopt before any success.
  std::optional<QueryRoute> working_route() const;

  // Makes `route` the working route and resets its hash's stale count.
  void record_route_success(const QueryRoute& route);

  // Counts one fetch in which Pathfinder reported each of `hashes` stale. A
  // learned hash stale in kStaleFetchesBeforeEviction fetches in a row is
  // forgotten. Configured hashes are never forgotten.
  void record_stale_hashes(const std::vector<std::string>& hashes);

  // Adds hashes found in the bundle; returns how many were new.
  std::size_t absorb_hashes(const std::vector<std::string>& hashes);

  // Returns the secrets to try, in order: the configured one, then the
  // bundle's table newest first, leaving out those rejected in the last
  // kRejectedSecretPauseMs.
  std::vector<SecretCandidate> secret_candidates(TimePoint now) const;

  // Replaces the bundle's TOTP table with a newly read one (newest first).
  void absorb_secrets(const std::vector<TotpSecret>& table);

  // Records that a token was minted with `candidate`; a bundle secret is
  // persisted as the last good one.
  void record_secret_success(const SecretCandidate& candidate);

  // Records that Spotify rejected `candidate` (wrong code or expired version).
  void record_secret_rejected(const SecretCandidate& candidate, TimePoint now);

  // Records that the cached token came from the embed page.
  void record_embed_token();

  // Returns "61 (configured)", "61 (bundle)", "embed" or "none".
  std::string secret_in_use() const;

 private:
  struct Snapshot {
    std::string folder;
    PersistedState state;
    std::uint64_t sequence = 0;  // orders snapshots taken by racing threads
  };

  void load(const std::string& folder);
  // Returns what to persist; the caller writes it after unlocking.
  std::optional<Snapshot> snapshot_locked() const;
  void persist(const std::optional<Snapshot>& snapshot);
  bool is_rejected_locked(const TotpSecret& secret, TimePoint now) const;

  mutable std::mutex mutex_;  // guards the members below
  std::string state_dir_;
  std::vector<std::string> configured_hashes_;
  std::vector<std::string> learned_hashes_;
  std::map<std::string, int> stale_fetches_;  // hash -> stale fetches in a row
  std::optional<QueryRoute> working_route_;
  std::optional<TotpSecret> configured_secret_;
  std::vector<TotpSecret> bundle_secrets_;  // newest first
  std::optional<TotpSecret> good_bundle_secret_;
  std::vector<std::pair<TotpSecret, TimePoint>> rejected_;
  std::string secret_in_use_ = "none";
  mutable std::uint64_t snapshots_taken_ = 0;
  std::mutex write_mutex_;  // guards last_written_ and serializes writes
  std::uint64_t last_written_ = 0;
};

}  // namespace countryhub::spotify
