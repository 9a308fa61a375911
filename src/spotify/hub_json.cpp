#include "spotify/hub_json.hpp"

#include <chrono>

#include <fmt/chrono.h>
#include <fmt/format.h>

#include "spotify/countries.hpp"

namespace countryhub::spotify {
namespace {

using common::JsonWriter;

void write_optional(JsonWriter& writer, std::string_view name, std::string_view text) {
  if (!text.empty()) {
    writer.field(name, text);
  }
}

void write_images(JsonWriter& writer, const std::pmr::vector<Image>& images) {
  if (images.empty()) {
    return;
  }
  writer.field("imageUrl", images.front().url);
  writer.key("images");
  writer.begin_array();
  for (const Image& image : images) {
    writer.begin_object();
    writer.field("url", image.url);
    if (image.width) {
      writer.field("width", *image.width);
    }
    if (image.height) {
      writer.field("height", *image.height);
    }
    writer.end_object();
  }
  writer.end_array();
}

void write_summary(JsonWriter& writer, const Summary& summary) {
  writer.begin_object();
  writer.field("uri", summary.uri);
  writer.field("type", item_type_name(summary.type));
  write_optional(writer, "title", summary.title);
  write_optional(writer, "subtitle", summary.subtitle);
  write_optional(writer, "description", summary.description);
  write_optional(writer, "externalUrl", summary.external_url);
  write_images(writer, summary.images);
  write_optional(writer, "publisher", summary.publisher);
  writer.end_object();
}

void write_item(JsonWriter& writer, const Item& item) {
  writer.begin_object();
  writer.field("uri", item.uri);
  writer.field("type", item_type_name(item.type));
  write_optional(writer, "title", item.title);
  write_optional(writer, "subtitle", item.subtitle);
  write_optional(writer, "description", item.description);
  write_optional(writer, "externalUrl", item.external_url);
  write_images(writer, item.images);
  if (!item.artists.empty()) {
    writer.key("artists");
    writer.begin_array();
    for (const Summary& artist : item.artists) {
      write_summary(writer, artist);
    }
    writer.end_array();
  }
  if (item.album) {
    writer.key("album");
    write_summary(writer, *item.album);
  }
  if (item.owner) {
    writer.key("owner");
    write_summary(writer, *item.owner);
  }
  if (!item.attributes.empty()) {
    writer.key("attributes");
    writer.begin_object();
    for (const Attribute& attribute : item.attributes) {
      writer.field(attribute.key, attribute.value);
    }
    writer.end_object();
  }
  writer.end_object();
}

std::string_view cache_status_name(CacheStatus status) {
  switch (status) {
    case CacheStatus::kHit:
      return "hit";
    case CacheStatus::kStale:
      return "stale";
    case CacheStatus::kMiss:
      break;
  }
  return "miss";
}

void write_meta(JsonWriter& writer, const Meta& meta) {
  writer.begin_object();
  writer.field("operationName", meta.operation_name);
  writer.field("appVersion", meta.app_version);
  writer.field("fetchedAt", format_rfc3339_ms(meta.fetched_at_ms));
  writer.field("sectionCount", meta.section_count);
  writer.field("itemCount", meta.item_count);
  writer.field("droppedItemCount", meta.dropped_item_count);
  writer.key("partialErrors");
  writer.begin_array();
  for (std::string_view message : meta.partial_errors) {
    writer.value(message);
  }
  writer.end_array();
  writer.field("requestId", meta.request_id);
  writer.key("cache");
  writer.begin_object();
  writer.field("status", cache_status_name(meta.cache_status));
  writer.field("ageSeconds", meta.cache_age_seconds);
  writer.end_object();
  writer.end_object();
}

}  // namespace

std::string_view item_type_name(ItemType type) {
  switch (type) {
    case ItemType::kPlaylist:
      return "Playlist";
    case ItemType::kAlbum:
      return "Album";
    case ItemType::kTrack:
      return "Track";
    case ItemType::kArtist:
      return "Artist";
    case ItemType::kPodcast:
      return "Podcast";
    case ItemType::kEpisode:
      return "Episode";
    case ItemType::kUser:
      return "User";
  }
  return "Unknown";
}

std::string format_rfc3339_ms(std::int64_t epoch_ms) {
  const std::chrono::sys_time<std::chrono::milliseconds> time{std::chrono::milliseconds(epoch_ms)};
  const auto seconds = std::chrono::floor<std::chrono::seconds>(time);
  const auto millis = (time - seconds).count();
  return fmt::format("{:%Y-%m-%dT%H:%M:%S}.{:03}Z", seconds, millis);
}

void write_hub(JsonWriter& writer, const CountryHub& hub) {
  writer.begin_object();
  writer.field("countryCode", hub.country_code);
  writer.field("countryName", hub.country_name);
  write_optional(writer, "hexColor", hub.hex_color);
  writer.key("sections");
  writer.begin_array();
  for (const Section& section : hub.sections) {
    writer.begin_object();
    writer.field("contentId", section.content_id);
    write_optional(writer, "title", section.title);
    writer.field("totalCount", section.total_count);
    writer.key("items");
    writer.begin_array();
    for (const Item& item : section.items) {
      write_item(writer, item);
    }
    writer.end_array();
    writer.end_object();
  }
  writer.end_array();
  writer.key("supportedCountries");
  writer.raw_value(supported_countries_json());
  writer.key("meta");
  write_meta(writer, hub.meta);
  writer.end_object();
}

}  // namespace countryhub::spotify
