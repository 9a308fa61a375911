#pragma once

#include <memory_resource>
#include <optional>
#include <string>

#include <simdjson.h>

#include "spotify/model.hpp"

namespace countryhub::spotify {

// Turns upstream shelf rows into normalized items. Derived strings (joined
// artist names, plain-text descriptions, links) are copied into `memory`,
// which must outlive the items. Not thread-safe; use one builder per document.
class ItemBuilder {
 public:
  explicit ItemBuilder(std::pmr::memory_resource* memory) : memory_(memory) {}

  // Builds the item of a shelf row: a `*ResponseWrapper`, a row holding one
  // under `content`, `item` or `itemV2`, or a `{data: {__typename...}}` row.
  // Returns nullopt for rows the contract drops: null, an error or unknown
  // `__typename`, or no URI anywhere.
  std::optional<Item> build(simdjson::dom::element row);

  // Returns whether `row` has the shape of an item row, so that collections of
  // items can be told apart from other arrays in documents of other operations.
  static bool looks_like_item(simdjson::dom::element row);

  // Copies `text` into the arena and returns a view of the copy.
  Text store(std::string_view text);

 private:
  void fill_playlist(Item& item, simdjson::dom::element data);
  void fill_album(Item& item, simdjson::dom::element data);
  void fill_track(Item& item, simdjson::dom::element data);
  void fill_artist(Item& item, simdjson::dom::element data);
  void fill_podcast(Item& item, simdjson::dom::element data);
  void fill_episode(Item& item, simdjson::dom::element data);

  // Reads `artists.items[]` (or `firstArtist`/`otherArtists`) into summaries
  // and returns their names joined with ", ".
  Text add_artists(Item& item, simdjson::dom::element data);
  std::optional<Summary> build_owner(simdjson::dom::element playlist);
  Summary build_show(simdjson::dom::element show);
  void add_attributes(Item& item, const simdjson::simdjson_result<simdjson::dom::element>& list);
  Text plain_text(std::string_view html);
  Text external_url(std::string_view uri);

  std::pmr::memory_resource* memory_;
  std::string scratch_;
};

}  // namespace countryhub::spotify
