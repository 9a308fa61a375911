#pragma once

#include <cstdint>
#include <string_view>

#include <simdjson.h>

#include "spotify/item_builder.hpp"
#include "spotify/model.hpp"

namespace countryhub::spotify {

// Fills a CountryHub's header and sections from the `data` of a Pathfinder
// response, counting the items it drops. Not thread-safe.
class SectionReader {
 public:
  SectionReader(CountryHub& hub, ItemBuilder& builder) : hub_(hub), builder_(builder) {}

  // Reads a `countryHubsPage` root (`data.countryHub`): country, colour and
  // `shelves[]`. Null shelves are skipped.
  void read_country_hub(simdjson::dom::element country_hub, std::string_view requested_country);

  // Reads any other operation's `data`: objects holding `sectionItems`
  // (home, browse) become sections; without them, every collection of item
  // rows (search categories, playlist rows, artist page lists) does.
  void read_other_document(simdjson::dom::element data, std::string_view requested_country);

  std::int64_t dropped_count() const { return dropped_; }

 private:
  void set_country(std::string_view code, std::string_view name);
  void read_shelf(simdjson::dom::element shelf);
  void find_section_containers(simdjson::dom::element node);
  void find_item_collections(simdjson::dom::element node, std::string_view member);
  void read_section_container(simdjson::dom::element container);
  // Appends a section built from `rows`; `total_count` < 0 means "not given".
  void add_section(std::string_view content_id, std::string_view title, std::string_view uri,
                   simdjson::dom::array rows, std::int64_t total_count);

  CountryHub& hub_;
  ItemBuilder& builder_;
  std::int64_t dropped_ = 0;
};

// Converts a JSON member name to a section id ("albumsV2" gives "ALBUMS_V2").
std::string member_content_id(std::string_view member);

}  // namespace countryhub::spotify
