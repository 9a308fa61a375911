#pragma once

#include <cstdint>
#include <mutex>
#include <optional>
#include <string_view>

#include "spotify/hub_client.hpp"
#include "spotify/token_sources.hpp"
#include "spotify/upstream_caller.hpp"

namespace countryhub::spotify {

// Caches the anonymous web-player token that every request shares, and mints
// a new one when the cached token is within kTokenEarlyRefreshMs of Spotify's
// expiry time or was rejected. Minting tries the TOTP source when a secret is
// configured, then the embed page. Thread-safe: one mint runs at a time, and
// callers that waited for it share its outcome instead of minting again.
class WebTokenCache {
 public:
  // Both arguments must outlive the cache.
  WebTokenCache(const ClientConfig& config, UpstreamCaller& caller);

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
  std::optional<WebToken> fresh_token() const;
  FetchResult<WebToken> mint(const CallContext& context);

  const ClientConfig& config_;
  UpstreamCaller& caller_;
  std::timed_mutex mint_mutex_;
  mutable std::mutex mutex_;  // guards the members below
  std::optional<WebToken> token_;
  std::optional<FetchFailure> last_failure_;
  std::uint64_t mint_count_ = 0;
};

}  // namespace countryhub::spotify
