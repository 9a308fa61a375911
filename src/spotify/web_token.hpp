#pragma once

#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "spotify/bundle_scanner.hpp"
#include "spotify/deadline_mutex.hpp"
#include "spotify/hub_client.hpp"
#include "spotify/learned_state.hpp"
#include "spotify/resilient_caller.hpp"
#include "spotify/token_sources.hpp"

namespace countryhub::spotify {

// Caches the anonymous web-player token that every request shares, and mints
// a new one when the cached token is within kTokenEarlyRefreshMs of Spotify's
// expiry time or was rejected. Minting tries the TOTP secrets of
// LearnedState::secret_candidates (the configured one, then the bundle's,
// newest first). With none known and ClientConfig::scan_bundle set, it
// scans the bundle first. When Spotify rejects a secret, it rescans and
// tries the next, at most kMaxSecretsPerMint per mint. Then it falls back to the
// embed page. When every secret was rejected (or the scan found none) and
// the embed page failed too, the failure is kNoWorkingSecret. Thread-safe:
// one mint runs at a time, and callers that waited for it share its outcome
// instead of minting again.
class WebTokenCache {
 public:
  // All arguments must outlive the cache.
  WebTokenCache(ResilientCaller& caller, LearnedState& learned, BundleScanner& scanner);

  // Returns a token that is not about to expire. Fails at stage token when
  // no source yields one, or with kTransport when the deadline passes while
  // another request is minting.
  FetchResult<WebToken> get(const CallContext& context);

  // Drops the cached token if it is still `rejected_access_token`, so the
  // next get() mints. A token another request already replaced is kept.
  void invalidate(std::string_view rejected_access_token);

  // Returns how long ago the cached token was minted; nullopt when none.
  std::optional<std::int64_t> age_seconds() const;

 private:
  // Outcome of the TOTP secrets tried by one mint.
  struct SecretAttempts {
    std::optional<WebToken> token;
    // A failure of the token endpoint itself (transport, 5xx, 429, block),
    // which is no sign of a bad secret.
    std::optional<FetchFailure> upstream_failure;
    std::vector<std::string> rejections;  // details of the rejected secrets
    bool found_no_secret = false;         // a bundle scan worked but listed none
    std::string scan_note;                // why no scan helped, for the failure detail
  };

  std::optional<WebToken> fresh_token() const;
  FetchResult<WebToken> mint(const CallContext& context);
  SecretAttempts mint_with_secrets(const CallContext& context);
  void rescan(const CallContext& context, std::string_view reason, SecretAttempts& attempts);
  FetchFailure combine_failures(const SecretAttempts& attempts, const FetchFailure& embed) const;

  ResilientCaller& caller_;
  LearnedState& learned_;
  BundleScanner& scanner_;
  DeadlineMutex mint_mutex_;
  mutable std::mutex mutex_;  // guards the members below
  std::optional<WebToken> token_;
  std::optional<FetchFailure> last_failure_;
  std::uint64_t mint_count_ = 0;
};

}  // namespace countryhub::spotify
