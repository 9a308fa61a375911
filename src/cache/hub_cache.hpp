#pragma once

#include <condition_variable>
#include <cstdint>
#include <list>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "common/body_parts.hpp"
#include "common/clock.hpp"
#include "common/gzip_parts.hpp"
#include "spotify/hub_client.hpp"

namespace countryhub::cache {

struct CacheConfig {
  std::int64_t fresh_ttl_ms = 300'000;  // served as a hit while younger
  // After the fresh TTL: served stale while one background refresh runs.
  std::int64_t stale_while_revalidate_ms = 300'000;
  // After the fresh TTL: served stale when a refresh fails.
  std::int64_t stale_if_error_ms = 3'600'000;
  std::size_t max_bytes = 32 * 1024 * 1024;  // serialized bodies; least recently used go first
  // What every response body puts before and after the `data` object (the
  // success envelope), precompressed with each hub for gzip answers.
  std::string body_prefix;
  std::string body_suffix;
};

// A hub's response body serialized once, cut where the per-request fields
// go: the body is `head` + request id + cache object + "}}" + body suffix.
// Immutable and shared by every response that serves it.
struct CachedHub {
  std::string country_code;  // lower case
  std::string head;          // body prefix, then `data` up to just after `"requestId":"`
  common::DeflatedPart gzip_head;  // body prefix + head, compressed once
  std::int64_t fetched_at_ms = 0;
};

enum class Freshness { kHit, kMiss, kStale };

// What a request gets from the cache.
struct CacheAnswer {
  std::shared_ptr<const CachedHub> hub;
  Freshness freshness = Freshness::kMiss;
  std::int64_t age_seconds = 0;
  std::string cache_status;  // RFC 9211 Cache-Status field value
};

struct CacheStats {
  std::size_t entries = 0;
  std::size_t bytes = 0;
  std::uint64_t hits = 0;
  std::uint64_t misses = 0;
  std::uint64_t stale = 0;
  std::uint64_t upstream_fetches = 0;
};

// Per-country cache of normalized, serialized hubs in front of the Spotify
// client: fresh hits, stale-while-revalidate with one background refresh,
// stale-if-error, an optional maximum age per request, and single flight:
// however many requests need a country at once, one upstream fetch runs and
// the others wait for it. Thread-safe.
class HubCache {
 public:
  HubCache(spotify::HubClient& client, CacheConfig config, common::Clock clock);
  ~HubCache();
  HubCache(const HubCache&) = delete;
  HubCache& operator=(const HubCache&) = delete;

  // Returns the hub of `country_code` (lower case) no older than
  // `max_age_seconds` when given, or the upstream failure when there is no
  // usable copy. Blocks while this request's upstream fetch runs.
  spotify::FetchResult<CacheAnswer> get(std::string_view country_code,
                                        std::optional<std::int64_t> max_age_seconds,
                                        std::string_view request_id);

  // Returns what get() would return when that needs no wait: a fresh hit,
  // or a stale copy within stale-while-revalidate (starting its background
  // refresh). Otherwise returns nothing and changes nothing, and the caller
  // uses get().
  std::optional<CacheAnswer> peek(std::string_view country_code,
                                  std::optional<std::int64_t> max_age_seconds,
                                  std::string_view request_id);

  // Returns the response body of `answer` for one request as parts: the
  // hub's shared head and this request's tail (request id, cache object,
  // body suffix). The gzip variant contains the precompressed head and a tail
  // compressed for this request.
  common::BodyParts body_parts(const CacheAnswer& answer, std::string_view request_id) const;
  common::BodyParts gzip_body_parts(const CacheAnswer& answer, std::string_view request_id) const;

  // Returns the response body of `answer` for one request: the body prefix,
  // the `data` object with the request's id and cache state, the suffix.
  // `request_id` must need no JSON escaping (the server's ids do not).
  std::string render(const CacheAnswer& answer, std::string_view request_id) const;

  // Returns the same body gzip-compressed: the precompressed head and a few
  // bytes compressed for this request.
  std::string render_gzip(const CacheAnswer& answer, std::string_view request_id) const;

  CacheStats stats() const;

 private:
  struct Flight;
  struct Entry {
    std::shared_ptr<const CachedHub> hub;
    std::shared_ptr<Flight> flight;  // the upstream fetch in progress, if any
    std::list<std::string>::iterator lru;
    bool is_in_lru = false;
    std::int64_t last_failure_ms = 0;  // when the last upstream fetch failed
  };

  // Fetches the country from Spotify and completes `flight`; the entry is
  // updated before waiters wake, so later requests see the new copy.
  void run_flight(const std::string& country_code, const std::shared_ptr<Flight>& flight,
                  const std::string& request_id);
  // Returns the entry's copy when it may be served at once (fresh, or stale
  // within stale-while-revalidate). Called with mutex_ held.
  std::optional<CacheAnswer> serve_held(const std::string& country_code, Entry& entry,
                                        std::int64_t now_ms,
                                        std::optional<std::int64_t> max_age_ms,
                                        std::string_view request_id);
  // Starts a background refresh for a stale entry. Called with mutex_ held.
  void refresh_in_background(const std::string& country_code, Entry& entry,
                             std::string_view request_id);
  // Inserts or replaces a hub and evicts the least recently used past
  // max_bytes. Called with mutex_ held.
  void store(const std::string& country_code, Entry& entry, std::shared_ptr<const CachedHub> hub);
  void touch(Entry& entry);
  std::string tail(const CacheAnswer& answer, std::string_view request_id) const;
  CacheAnswer answer(const std::shared_ptr<const CachedHub>& hub, Freshness freshness,
                     std::int64_t now_ms, std::string_view cache_status) const;
  spotify::FetchResult<CacheAnswer> wait_for(const std::shared_ptr<Flight>& flight,
                                             const std::string& country_code,
                                             std::optional<std::int64_t> max_age_ms,
                                             std::string_view forward_reason, bool is_leader);

  spotify::HubClient& client_;
  const CacheConfig config_;
  const common::Clock clock_;
  mutable std::mutex mutex_;
  std::unordered_map<std::string, Entry> entries_;
  std::list<std::string> lru_;  // most recently used first
  std::size_t bytes_ = 0;
  CacheStats stats_;
  // Background refreshes run on detached threads; the destructor waits for them.
  std::condition_variable refreshes_done_;
  std::size_t running_refreshes_ = 0;
};

// Serializes a normalized hub into a CachedHub and precompresses it after
// `body_prefix`. Returns null only when the writer's output lacks the
// request id splice point, which would be a bug.
std::shared_ptr<const CachedHub> serialize_hub(std::string_view country_code,
                                               spotify::HubDocument& document,
                                               std::string_view body_prefix);

}  // namespace countryhub::cache
