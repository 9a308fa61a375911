#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace countryhub::spotify {

// countryHubsPage persisted-query hashes, in the order they are tried. The
// first is named by three independent clients of the web player (October
// 2026); the second by one client, which calls it the mobile web player's.
inline constexpr std::array<std::string_view, 2> kDefaultQueryHashes = {
    "6c2e4b04d8836507c2ad09c954f27a6c98d8b0a761f99ef6f4dc9bbe7834ba55",
    "39093e27acf683e5906d0e8f49dc55ba3c037806381951e6afc95b9aa35f9312",
};

// A cached web-player token is replaced this long before Spotify's expiry
// time, so a request never starts with a token about to lapse.
inline constexpr std::int64_t kTokenEarlyRefreshMs = 60'000;

// Maximum backoff between two attempts of one upstream call, whatever
// `retry_base_ms` and the attempt number give.
inline constexpr std::int64_t kMaxBackoffMs = 5'000;

// The web-player page and bundle are read at most this often. Callers that
// need a scan sooner share the last scan's result, so a broken bundle layout
// cannot turn every request into two extra downloads.
inline constexpr std::int64_t kBundleRescanIntervalMs = 5 * 60 * 1000;

// A TOTP secret that Spotify rejected is not tried again for this long,
// unless a reload configures it anew.
inline constexpr std::int64_t kRejectedSecretPauseMs = 5 * 60 * 1000;

// TOTP secrets tried by one token mint: the bundle lists three versions.
inline constexpr std::size_t kMaxSecretsPerMint = 3;

// A hash learned from the bundle is forgotten after this many fetches in a
// row found it stale with no success in between. One stale response is not
// enough: PersistedQueryNotFound has been seen transiently for valid hashes
// on another Apollo gateway (Twitch). Configured hashes are never forgotten.
inline constexpr int kStaleFetchesBeforeEviction = 3;

// Largest upstream body accepted. Composed hubs are about 150 KB; a body
// fifty times that is not a hub.
inline constexpr std::size_t kMaxUpstreamBodyBytes = 8 * 1024 * 1024;

}  // namespace countryhub::spotify
