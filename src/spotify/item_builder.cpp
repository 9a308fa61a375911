#include "spotify/item_builder.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <cstring>
#include <utility>

#include "spotify/images.hpp"
#include "spotify/json_access.hpp"
#include "spotify/plain_text.hpp"
#include "spotify/spotify_uri.hpp"

namespace countryhub::spotify {
namespace {

using simdjson::dom::element;

constexpr std::string_view kWrapperSuffix = "ResponseWrapper";

// Inner `__typename` values that become items. `Show` is the older name of
// `Podcast`. Everything else (NotFound, GenericError, RestrictedContent,
// UnknownType, Genre, User, ...) is dropped.
constexpr std::array<std::pair<std::string_view, ItemType>, 7> kKinds = {{
    {"Playlist", ItemType::kPlaylist},
    {"Album", ItemType::kAlbum},
    {"Track", ItemType::kTrack},
    {"Artist", ItemType::kArtist},
    {"Podcast", ItemType::kPodcast},
    {"Show", ItemType::kPodcast},
    {"Episode", ItemType::kEpisode},
}};

std::optional<ItemType> kind_from_typename(std::string_view name) {
  for (const auto& [known, type] : kKinds) {
    if (name == known) {
      return type;
    }
  }
  return std::nullopt;
}

// Accepts an element or a lookup result.
template <class Node>
bool is_wrapper(const Node& node) {
  return json::text(node["__typename"]).ends_with(kWrapperSuffix);
}

// Returns the wrapper a row holds: home rows use `content`, search rows
// `item`, playlist rows `itemV2`. A row that holds none is its own wrapper.
std::optional<element> held_wrapper(element row) {
  for (const char* member : {"content", "item", "itemV2"}) {
    if (auto holder = row[member]; is_wrapper(holder)) {
      return holder.value_unsafe();
    }
  }
  return std::nullopt;
}

// Returns the bare track of album and artist-page rows (`{track: {...}, uid}`),
// which carry no `__typename`; getAlbum and queryArtistOverview captures show them.
std::optional<element> held_track(element row) {
  element track;
  if (row["track"].get(track) != simdjson::SUCCESS || !track.is_object() ||
      !json::text(track["uri"]).starts_with("spotify:track:")) {
    return std::nullopt;
  }
  return track;
}

}  // namespace

bool ItemBuilder::looks_like_item(element row) {
  if (!row.is_object()) {
    return false;
  }
  if (is_wrapper(row) || !json::text(row["data"]["__typename"]).empty()) {
    return true;
  }
  return held_wrapper(row).has_value() || held_track(row).has_value();
}

Text ItemBuilder::store(std::string_view text) {
  if (text.empty()) {
    return {};
  }
  void* bytes = memory_->allocate(text.size(), 1);
  std::memcpy(bytes, text.data(), text.size());
  return Text(static_cast<const char*>(bytes), text.size());
}

Text ItemBuilder::plain_text(std::string_view html) {
  if (!may_contain_markup(html)) {
    return html;
  }
  scratch_.clear();
  append_plain_text(scratch_, html);
  return store(scratch_);
}

Text ItemBuilder::external_url(std::string_view uri) {
  scratch_.clear();
  if (!append_external_url(scratch_, uri)) {
    return {};
  }
  return store(scratch_);
}

std::optional<Item> ItemBuilder::build(element row) {
  if (!row.is_object()) {
    return std::nullopt;
  }
  const std::optional<element> held = held_wrapper(row);
  const element wrapper = held.value_or(row);
  const std::string_view wrapper_name = json::text(wrapper["__typename"]);
  const std::optional<element> track = held ? std::nullopt : held_track(row);
  element data;
  if (track) {
    data = *track;
  } else if (wrapper["data"].get(data) != simdjson::SUCCESS || !data.is_object()) {
    // A bare entity (`{__typename: "Album", uri: ...}`) carries its own fields.
    if (wrapper_name.ends_with(kWrapperSuffix)) {
      return std::nullopt;
    }
    data = wrapper;
  }

  std::optional<ItemType> kind;
  if (const std::string_view inner_name = json::text(data["__typename"]); !inner_name.empty()) {
    kind = kind_from_typename(inner_name);
  } else if (wrapper_name.ends_with(kWrapperSuffix)) {
    kind = kind_from_typename(wrapper_name.substr(0, wrapper_name.size() - kWrapperSuffix.size()));
  } else if (track) {
    kind = ItemType::kTrack;
  }
  if (!kind) {
    return std::nullopt;
  }

  Item item(memory_);
  item.type = *kind;
  for (const json::Node& source : {data["uri"], wrapper["uri"], row["uri"], row["_uri"]}) {
    if (item.uri = json::text(source); !item.uri.empty()) {
      break;
    }
  }
  if (item.uri.empty()) {
    return std::nullopt;
  }
  item.external_url = external_url(item.uri);

  switch (*kind) {
    case ItemType::kPlaylist:
      fill_playlist(item, data);
      break;
    case ItemType::kAlbum:
      fill_album(item, data);
      break;
    case ItemType::kTrack:
      fill_track(item, data);
      break;
    case ItemType::kArtist:
      fill_artist(item, data);
      break;
    case ItemType::kPodcast:
      fill_podcast(item, data);
      break;
    case ItemType::kEpisode:
      fill_episode(item, data);
      break;
    case ItemType::kUser:
      break;
  }
  finish_images(item.images);
  // Playlist rows carry chart positions (`status`, `current_pos`, `rank`)
  // beside the wrapper; they are read after the entity's own attributes, so
  // a row value wins over an entity value with the same key.
  add_attributes(item, data["attributes"]);
  if (held) {
    add_attributes(item, row["attributes"]);
  }
  return item;
}

void ItemBuilder::fill_playlist(Item& item, element data) {
  item.title = json::text(data["name"]);
  item.description = plain_text(json::text(data["description"]));
  if (auto images = json::array(data["images"]["items"])) {
    for (element image : *images) {
      append_image_sources(image["sources"], item.images);
    }
  }
  std::optional<Summary> owner = build_owner(data);
  if (!owner) {
    return;
  }
  item.subtitle = owner->title;
  // Summaries need a URI; an owner without one is still named in the subtitle.
  if (!owner->uri.empty()) {
    item.owner = std::move(owner);
  }
}

void ItemBuilder::fill_album(Item& item, element data) {
  item.title = json::text(data["name"]);
  item.subtitle = add_artists(item, data);
  append_image_sources(data["coverArt"]["sources"], item.images);
}

void ItemBuilder::fill_track(Item& item, element data) {
  item.title = json::text(data["name"]);
  item.subtitle = add_artists(item, data);
  element album;
  if (data["albumOfTrack"].get(album) != simdjson::SUCCESS || !album.is_object()) {
    return;
  }
  append_image_sources(album["coverArt"]["sources"], item.images);
  const std::string_view album_uri = json::text(album["uri"]);
  if (album_uri.empty()) {
    return;
  }
  Summary summary(memory_);
  summary.uri = album_uri;
  summary.type = ItemType::kAlbum;
  summary.title = json::text(album["name"]);
  summary.external_url = external_url(album_uri);
  summary.images = item.images;
  finish_images(summary.images);
  item.album = std::move(summary);
}

void ItemBuilder::fill_artist(Item& item, element data) {
  item.title = json::text(data["profile"]["name"]);
  item.subtitle = "Artist";
  append_image_sources(data["visuals"]["avatarImage"]["sources"], item.images);
}

void ItemBuilder::fill_podcast(Item& item, element data) {
  item.title = json::text(data["name"]);
  item.subtitle = json::text(data["publisher"]["name"]);
  item.description = plain_text(json::text(data["description"]));
  append_image_sources(data["coverArt"]["sources"], item.images);
}

void ItemBuilder::fill_episode(Item& item, element data) {
  item.title = json::text(data["name"]);
  item.description = plain_text(json::text(data["description"]));
  append_image_sources(data["coverArt"]["sources"], item.images);
  // The show arrives wrapped (`podcastV2.data`) in today's shape, bare in older ones.
  for (const char* member : {"podcastV2", "podcast", "show"}) {
    const json::Node node = data[member];
    const json::Node show = is_wrapper(node) ? node["data"] : node;
    if (json::object(show) && !json::text(show["uri"]).empty()) {
      item.album = build_show(show.value_unsafe());
      item.subtitle = item.album->title;
      return;
    }
  }
}

Summary ItemBuilder::build_show(element show) {
  Summary summary(memory_);
  summary.uri = json::text(show["uri"]);
  summary.type = ItemType::kPodcast;
  summary.title = json::text(show["name"]);
  summary.publisher = json::text(show["publisher"]["name"]);
  summary.external_url = external_url(summary.uri);
  append_image_sources(show["coverArt"]["sources"], summary.images);
  finish_images(summary.images);
  return summary;
}

Text ItemBuilder::add_artists(Item& item, element data) {
  scratch_.clear();
  auto add_list = [&](const json::Node& list_node) {
    const auto list = json::array(list_node);
    if (!list) {
      return;
    }
    for (element artist : *list) {
      const std::string_view name = json::text(artist["profile"]["name"]);
      if (name.empty()) {
        continue;
      }
      if (!scratch_.empty()) {
        scratch_.append(", ");
      }
      scratch_.append(name);
      // An artist without a URI is still named in the subtitle.
      const std::string_view uri = json::text(artist["uri"]);
      if (uri.empty()) {
        continue;
      }
      Summary summary(memory_);
      summary.uri = uri;
      summary.type = ItemType::kArtist;
      summary.title = name;
      item.artists.push_back(std::move(summary));
    }
  };
  add_list(data["artists"]["items"]);
  // Newer track shapes split the credits into the first and the other artists.
  add_list(data["firstArtist"]["items"]);
  add_list(data["otherArtists"]["items"]);
  const Text subtitle = store(scratch_);
  for (Summary& artist : item.artists) {
    artist.external_url = external_url(artist.uri);
  }
  return subtitle;
}

std::optional<Summary> ItemBuilder::build_owner(element playlist) {
  // `ownerV2.data` is today's shape; `owner.data` and a bare `owner` are older.
  element owner;
  if (playlist["ownerV2"]["data"].get(owner) != simdjson::SUCCESS || !owner.is_object()) {
    if (playlist["owner"]["data"].get(owner) != simdjson::SUCCESS || !owner.is_object()) {
      if (playlist["owner"].get(owner) != simdjson::SUCCESS || !owner.is_object()) {
        return std::nullopt;
      }
    }
  }
  Summary summary(memory_);
  summary.type = ItemType::kUser;
  summary.uri = json::text(owner["uri"]);
  summary.title = json::text(owner["name"]);
  if (summary.title.empty()) {
    summary.title = json::text(owner["displayName"]);
  }
  summary.external_url = external_url(summary.uri);
  append_image_sources(owner["avatar"]["sources"], summary.images);
  finish_images(summary.images);
  return summary;
}

void ItemBuilder::add_attributes(Item& item,
                                 const simdjson::simdjson_result<element>& list_node) {
  const auto list = json::array(list_node);
  if (!list) {
    return;
  }
  for (element attribute : *list) {
    const std::string_view key = json::text(attribute["key"]);
    element value;
    if (key.empty() || attribute["value"].get(value) != simdjson::SUCCESS) {
      continue;
    }
    Text text;
    if (value.is_string()) {
      text = json::text(attribute["value"]);
    } else if (value.is_bool()) {
      text = value.get_bool().value_unsafe() ? "true" : "false";
    } else if (value.is_number()) {
      scratch_ = simdjson::minify(value);
      text = store(scratch_);
    }
    if (text.empty()) {
      continue;  // null, objects, arrays and empty strings carry no value
    }
    auto same_key = [&](const Attribute& existing) { return existing.key == key; };
    if (auto it = std::find_if(item.attributes.begin(), item.attributes.end(), same_key);
        it != item.attributes.end()) {
      it->value = text;
    } else {
      item.attributes.push_back(Attribute{key, text});
    }
  }
}

}  // namespace countryhub::spotify
