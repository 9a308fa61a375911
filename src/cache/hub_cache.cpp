#include "cache/hub_cache.hpp"

#include <thread>

#include <fmt/format.h>
#include <zlib.h>

#include "common/json_writer.hpp"
#include "common/logging.hpp"
#include "spotify/hub_json.hpp"

namespace countryhub::cache {
namespace {

constexpr std::string_view kRequestIdMarker = R"("requestId":"","cache":{"status":"miss","ageSeconds":0}})";

std::string_view freshness_name(Freshness freshness) {
  switch (freshness) {
    case Freshness::kHit:
      return "hit";
    case Freshness::kStale:
      return "stale";
    case Freshness::kMiss:
      break;
  }
  return "miss";
}

// Bytes a cached hub holds: both variants of its body.
std::size_t footprint(const CachedHub& hub) { return hub.head.size() + hub.gzip_head.blocks.size(); }

constexpr std::int64_t kRefreshRetryIntervalMs = 10'000;

std::int64_t whole_seconds(std::int64_t ms) { return ms >= 0 ? ms / 1000 : -((-ms + 999) / 1000); }

}  // namespace

struct HubCache::Flight {
  std::mutex mutex;
  std::condition_variable done;
  bool is_done = false;
  std::shared_ptr<const CachedHub> hub;
  std::optional<spotify::FetchFailure> failure;
};

std::optional<std::int64_t> in_milliseconds(std::optional<std::int64_t> seconds) {
  if (!seconds) {
    return std::nullopt;
  }
  return *seconds * 1000;
}

std::shared_ptr<const CachedHub> serialize_hub(std::string_view country_code,
                                               spotify::HubDocument& document,
                                               std::string_view body_prefix) {
  spotify::CountryHub& hub = document.hub();
  hub.meta.request_id = {};
  hub.meta.cache_status = spotify::CacheStatus::kMiss;
  hub.meta.cache_age_seconds = 0;
  common::JsonWriter writer(64 * 1024);
  spotify::write_hub(writer, hub);
  std::string data = std::move(writer).take();
  // meta is the last member of the hub, and requestId and cache its last
  // members, so the marker sits just before the final '}' of the object.
  const auto marker = data.rfind(kRequestIdMarker);
  if (marker == std::string::npos || marker + kRequestIdMarker.size() + 1 != data.size()) {
    return nullptr;
  }
  data.resize(marker + std::string_view(R"("requestId":")").size());
  data.shrink_to_fit();
  auto cached = std::make_shared<CachedHub>();
  cached->country_code = std::string(country_code);
  cached->head.reserve(body_prefix.size() + data.size());
  cached->head.append(body_prefix).append(data);
  // Compressed once per fetch at the best level, because every gzip response reuses it.
  cached->gzip_head = common::deflate_part(cached->head, false, Z_BEST_COMPRESSION);
  cached->fetched_at_ms = hub.meta.fetched_at_ms;
  return cached;
}

HubCache::HubCache(spotify::HubClient& client, CacheConfig config, common::Clock clock)
    : client_(client), config_(config), clock_(std::move(clock)) {}

HubCache::~HubCache() {
  std::unique_lock lock(mutex_);
  refreshes_done_.wait(lock, [this] { return running_refreshes_ == 0; });
}

std::string HubCache::tail(const CacheAnswer& answer, std::string_view request_id) const {
  // Request ids are checked to be [A-Za-z0-9._-] or generated as hex, so
  // they need no escaping.
  std::string text(request_id);
  fmt::format_to(std::back_inserter(text), R"(","cache":{{"status":"{}","ageSeconds":{}}}}}}})",
                 freshness_name(answer.freshness), answer.age_seconds);
  text += config_.body_suffix;
  return text;
}

common::BodyParts HubCache::body_parts(const CacheAnswer& answer,
                                      std::string_view request_id) const {
  return common::BodyParts{answer.hub, {}, answer.hub->head, tail(answer, request_id)};
}

common::BodyParts HubCache::gzip_body_parts(const CacheAnswer& answer,
                                           std::string_view request_id) const {
  const common::DeflatedPart end = common::deflate_part(tail(answer, request_id), true, 1);
  return common::BodyParts{answer.hub, common::gzip_header(), answer.hub->gzip_head.blocks,
                           common::gzip_ending(answer.hub->gzip_head, end)};
}

std::string HubCache::render(const CacheAnswer& answer, std::string_view request_id) const {
  return body_parts(answer, request_id).joined();
}

std::string HubCache::render_gzip(const CacheAnswer& answer, std::string_view request_id) const {
  return gzip_body_parts(answer, request_id).joined();
}

CacheStats HubCache::stats() const {
  std::lock_guard lock(mutex_);
  CacheStats stats = stats_;
  stats.entries = lru_.size();
  stats.bytes = bytes_;
  return stats;
}

CacheAnswer HubCache::answer(const std::shared_ptr<const CachedHub>& hub, Freshness freshness,
                             std::int64_t now_ms, std::string_view cache_status) const {
  const std::int64_t age_ms = now_ms - hub->fetched_at_ms;
  CacheAnswer result;
  result.hub = hub;
  result.freshness = freshness;
  result.age_seconds = std::max<std::int64_t>(0, age_ms / 1000);
  result.cache_status = fmt::format("countryhub; {}; ttl={}", cache_status,
                                    whole_seconds(config_.fresh_ttl_ms - age_ms));
  return result;
}

void HubCache::touch(Entry& entry) {
  if (entry.is_in_lru) {
    lru_.splice(lru_.begin(), lru_, entry.lru);
  }
}

void HubCache::store(const std::string& country_code, Entry& entry,
                     std::shared_ptr<const CachedHub> hub) {
  if (entry.hub) {
    bytes_ -= footprint(*entry.hub);
  }
  entry.hub = std::move(hub);
  bytes_ += footprint(*entry.hub);
  if (!entry.is_in_lru) {
    lru_.push_front(country_code);
    entry.lru = lru_.begin();
    entry.is_in_lru = true;
  } else {
    touch(entry);
  }
  // Evict from the cold end, never the entry just stored.
  while (bytes_ > config_.max_bytes && lru_.size() > 1) {
    Entry& victim = entries_[lru_.back()];
    bytes_ -= footprint(*victim.hub);
    victim.hub.reset();
    victim.is_in_lru = false;
    lru_.pop_back();
  }
}

void HubCache::run_flight(const std::string& country_code, const std::shared_ptr<Flight>& flight,
                          const std::string& request_id) {
  auto document = client_.fetch_hub(spotify::HubRequest{country_code, request_id});
  std::shared_ptr<const CachedHub> hub;
  std::optional<spotify::FetchFailure> failure;
  if (document) {
    hub = serialize_hub(country_code, *document, config_.body_prefix);
    if (!hub) {
      failure = spotify::FetchFailure{spotify::Error::kInvalidJson, spotify::Stage::kParse,
                                      "the hub could not be serialized"};
    }
  } else {
    failure = document.error();
  }
  {
    std::lock_guard lock(mutex_);
    ++stats_.upstream_fetches;
    Entry& entry = entries_[country_code];
    if (hub) {
      store(country_code, entry, hub);
    } else {
      entry.last_failure_ms = clock_();
    }
    entry.flight.reset();
  }
  {
    std::lock_guard lock(flight->mutex);
    flight->hub = std::move(hub);
    flight->failure = std::move(failure);
    flight->is_done = true;
  }
  flight->done.notify_all();
}

void HubCache::refresh_in_background(const std::string& country_code, Entry& entry,
                                     std::string_view request_id) {
  // After a failed refresh, stale requests wait a while before the next
  // one, so a down Spotify gets one call per interval, not one per request.
  if (entry.flight || clock_() - entry.last_failure_ms < kRefreshRetryIntervalMs) {
    return;
  }
  entry.flight = std::make_shared<Flight>();
  ++running_refreshes_;
  std::thread([this, country_code, flight = entry.flight, id = std::string(request_id)] {
    run_flight(country_code, flight, id);
    std::lock_guard lock(mutex_);
    --running_refreshes_;
    refreshes_done_.notify_all();
  }).detach();
}

spotify::FetchResult<CacheAnswer> HubCache::get(std::string_view country,
                                                std::optional<std::int64_t> max_age_seconds,
                                                std::string_view request_id) {
  const std::string country_code(country);
  const std::int64_t now_ms = clock_();
  const std::optional<std::int64_t> max_age_ms = in_milliseconds(max_age_seconds);
  std::shared_ptr<Flight> flight;
  bool is_leader = false;
  std::string_view forward_reason = "miss";
  {
    std::lock_guard lock(mutex_);
    Entry& entry = entries_[country_code];
    if (entry.hub) {
      const std::int64_t age_ms = now_ms - entry.hub->fetched_at_ms;
      forward_reason = !max_age_ms || age_ms <= *max_age_ms ? "stale" : "request";
    }
    if (auto served = serve_held(country_code, entry, now_ms, max_age_ms, request_id)) {
      return std::move(*served);
    }
    if (!entry.flight) {
      entry.flight = std::make_shared<Flight>();
      is_leader = true;
    }
    flight = entry.flight;
  }
  if (is_leader) {
    run_flight(country_code, flight, std::string(request_id));
  }
  return wait_for(flight, country_code, max_age_ms, forward_reason, is_leader);
}

std::optional<CacheAnswer> HubCache::serve_held(const std::string& country_code, Entry& entry,
                                                std::int64_t now_ms,
                                                std::optional<std::int64_t> max_age_ms,
                                                std::string_view request_id) {
  if (!entry.hub) {
    return std::nullopt;
  }
  const std::int64_t age_ms = now_ms - entry.hub->fetched_at_ms;
  if (max_age_ms && age_ms > *max_age_ms) {
    return std::nullopt;
  }
  if (age_ms < config_.fresh_ttl_ms) {
    touch(entry);
    ++stats_.hits;
    return answer(entry.hub, Freshness::kHit, now_ms, "hit");
  }
  if (age_ms < config_.fresh_ttl_ms + config_.stale_while_revalidate_ms) {
    refresh_in_background(country_code, entry, request_id);
    touch(entry);
    ++stats_.stale;
    return answer(entry.hub, Freshness::kStale, now_ms, "hit; detail=stale-while-revalidate");
  }
  return std::nullopt;
}

std::optional<CacheAnswer> HubCache::peek(std::string_view country,
                                          std::optional<std::int64_t> max_age_seconds,
                                          std::string_view request_id) {
  const std::string country_code(country);
  const std::int64_t now_ms = clock_();
  const std::optional<std::int64_t> max_age_ms = in_milliseconds(max_age_seconds);
  std::lock_guard lock(mutex_);
  const auto found = entries_.find(country_code);
  if (found == entries_.end()) {
    return std::nullopt;
  }
  return serve_held(country_code, found->second, now_ms, max_age_ms, request_id);
}

spotify::FetchResult<CacheAnswer> HubCache::wait_for(const std::shared_ptr<Flight>& flight,
                                                     const std::string& country_code,
                                                     std::optional<std::int64_t> max_age_ms,
                                                     std::string_view forward_reason,
                                                     bool is_leader) {
  {
    std::unique_lock lock(flight->mutex);
    flight->done.wait(lock, [&] { return flight->is_done; });
  }
  const std::int64_t now_ms = clock_();
  std::lock_guard lock(mutex_);
  if (flight->hub) {
    ++stats_.misses;
    return answer(flight->hub, Freshness::kMiss, now_ms,
                  fmt::format("fwd={}; {}", forward_reason, is_leader ? "stored" : "collapsed"));
  }
  // The fetch failed: an older copy may still be served, within the
  // stale-if-error window and the caller's maximum age.
  const Entry& entry = entries_[country_code];
  if (entry.hub) {
    const std::int64_t age_ms = now_ms - entry.hub->fetched_at_ms;
    if (age_ms < config_.fresh_ttl_ms + config_.stale_if_error_ms &&
        (!max_age_ms || age_ms <= *max_age_ms)) {
      ++stats_.stale;
      // fwd-status is Spotify's HTTP status. Transport failures have none.
      const int upstream_status = flight->failure->http_status;
      const std::string status_field =
          upstream_status > 0 ? fmt::format("; fwd-status={}", upstream_status) : std::string();
      return answer(entry.hub, Freshness::kStale, now_ms,
                    fmt::format("fwd={}{}; detail=stale-if-error", forward_reason, status_field));
    }
  }
  return *flight->failure;
}

}  // namespace countryhub::cache
