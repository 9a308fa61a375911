#pragma once

#include <cstdint>
#include <memory_resource>
#include <optional>
#include <string_view>

// The normalized country hub of the public API. Every string_view points either
// into the parsed upstream document or into the arena of the HubDocument that
// owns the model, so building a hub allocates no per-field strings. An empty
// string_view means "no value" and the writer omits the field.
namespace countryhub::spotify {

using Text = std::string_view;

struct Image {
  Text url;
  std::optional<std::int64_t> width;
  std::optional<std::int64_t> height;
};

enum class ItemType { kPlaylist, kAlbum, kTrack, kArtist, kPodcast, kEpisode, kUser };

// Returns the contract's name of `type` ("Playlist", "Podcast", ...).
std::string_view item_type_name(ItemType type);

struct Attribute {
  Text key;
  Text value;
};

// A short reference to a related entity: a track's album, an item's artists,
// a playlist's owner, an episode's show.
struct Summary {
  Text uri;
  ItemType type = ItemType::kArtist;
  Text title;
  Text subtitle;
  Text description;
  Text external_url;
  Text publisher;
  std::pmr::vector<Image> images;

  explicit Summary(std::pmr::memory_resource* memory) : images(memory) {}
};

struct Item {
  Text uri;
  ItemType type = ItemType::kTrack;
  Text title;
  Text subtitle;
  Text description;
  Text external_url;
  std::pmr::vector<Image> images;  // largest first; imageUrl is images[0].url
  std::pmr::vector<Summary> artists;
  std::optional<Summary> album;  // a track's album, an episode's show
  std::optional<Summary> owner;  // a playlist's owner
  std::pmr::vector<Attribute> attributes;  // keys unique, in first-seen order

  explicit Item(std::pmr::memory_resource* memory)
      : images(memory), artists(memory), attributes(memory) {}
};

struct Section {
  Text content_id;
  Text title;
  std::int64_t total_count = 0;
  std::pmr::vector<Item> items;

  explicit Section(std::pmr::memory_resource* memory) : items(memory) {}
};

enum class CacheStatus { kHit, kMiss, kStale };

struct Meta {
  Text operation_name = "countryHubsPage";
  Text app_version;
  std::int64_t fetched_at_ms = 0;  // Unix epoch milliseconds of the upstream fetch
  std::int64_t section_count = 0;
  std::int64_t item_count = 0;
  std::int64_t dropped_item_count = 0;
  std::pmr::vector<Text> partial_errors;
  Text request_id;
  CacheStatus cache_status = CacheStatus::kMiss;
  std::int64_t cache_age_seconds = 0;

  explicit Meta(std::pmr::memory_resource* memory) : partial_errors(memory) {}
};

struct CountryHub {
  Text country_code;  // upper case
  Text country_name;
  Text hex_color;  // "#RRGGBB" upper case, or empty
  std::pmr::vector<Section> sections;
  Meta meta;

  explicit CountryHub(std::pmr::memory_resource* memory) : sections(memory), meta(memory) {}
};

}  // namespace countryhub::spotify
