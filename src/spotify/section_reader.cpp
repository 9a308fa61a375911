#include "spotify/section_reader.hpp"

#include <cctype>
#include <optional>
#include <string>

#include <fmt/format.h>

#include "spotify/countries.hpp"
#include "spotify/json_access.hpp"
#include "spotify/normalizer.hpp"

namespace countryhub::spotify {
namespace {

using simdjson::dom::element;

std::string to_upper_ascii(std::string_view text) {
  std::string upper(text);
  for (char& c : upper) {
    c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  }
  return upper;
}

// Returns `color` as upper-case "#RRGGBB" when it is "#RRGGBB" or "#RGB" in
// any case; an empty string otherwise.
std::string normalize_hex_color(std::string_view color) {
  if (!color.starts_with('#')) {
    return {};
  }
  const std::string_view digits = color.substr(1);
  if ((digits.size() != 6 && digits.size() != 3) ||
      !std::all_of(digits.begin(), digits.end(),
                   [](char c) { return std::isxdigit(static_cast<unsigned char>(c)); })) {
    return {};
  }
  std::string out = "#";
  for (char c : digits) {
    const char upper = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    out.push_back(upper);
    if (digits.size() == 3) {
      out.push_back(upper);
    }
  }
  return out;
}

// The raw name of the hub colour is not known from any capture; these are the
// plausible spellings, as a string or as `{hex}` like cover art colours.
std::string_view find_hub_color(element hub) {
  for (const char* member : {"hexColor", "color", "backgroundColor"}) {
    const json::Node node = hub[member];
    if (std::string_view plain = json::text(node); !plain.empty()) {
      return plain;
    }
    if (std::string_view nested = json::text(node["hex"]); !nested.empty()) {
      return nested;
    }
  }
  return {};
}

// Returns the rows of a shelf's `items`, given as a list or as `{items: [...]}`.
std::optional<simdjson::dom::array> shelf_rows(const json::Node& items) {
  if (auto list = json::array(items)) {
    return list;
  }
  return json::array(items["items"]);
}

std::string_view last_uri_segment(std::string_view uri) {
  const std::size_t colon = uri.rfind(':');
  return colon == std::string_view::npos ? uri : uri.substr(colon + 1);
}

bool holds_items(simdjson::dom::array rows) {
  for (element row : rows) {
    if (ItemBuilder::looks_like_item(row)) {
      return true;
    }
  }
  return false;
}

}  // namespace

std::string member_content_id(std::string_view member) {
  std::string id;
  for (std::size_t i = 0; i < member.size(); ++i) {
    const auto c = static_cast<unsigned char>(member[i]);
    if (!std::isalnum(c)) {
      if (!id.empty() && id.back() != '_') {
        id.push_back('_');
      }
      continue;
    }
    const auto previous = i > 0 ? static_cast<unsigned char>(member[i - 1]) : '\0';
    if (std::isupper(c) && (std::islower(previous) || std::isdigit(previous)) &&
        id.back() != '_') {
      id.push_back('_');
    }
    id.push_back(static_cast<char>(std::toupper(c)));
  }
  while (!id.empty() && id.back() == '_') {
    id.pop_back();
  }
  return id;
}

void SectionReader::set_country(std::string_view code, std::string_view name) {
  hub_.country_code = builder_.store(to_upper_ascii(code));
  if (name.empty()) {
    if (const auto country = find_country(code)) {
      name = country->name;
    } else {
      name = hub_.country_code;
    }
  }
  hub_.country_name = name;
}

void SectionReader::read_country_hub(element country_hub, std::string_view requested_country) {
  // omkar's parser reads the returned market from `country.isoCountryCode`;
  // the name members are inferred, as no hub has been captured.
  const json::Node country = country_hub["country"];
  std::string_view code = json::text(country["isoCountryCode"]);
  if (code.empty()) {
    code = requested_country;
  }
  std::string_view name = json::text(country["name"]);
  if (name.empty()) {
    name = json::text(country["displayName"]);
  }
  if (name.empty()) {
    name = json::text(country_hub["countryName"]);
  }
  set_country(code, name);
  hub_.hex_color = builder_.store(normalize_hex_color(find_hub_color(country_hub)));

  if (const auto shelves = json::array(country_hub["shelves"])) {
    for (element shelf : *shelves) {
      if (shelf.is_object()) {
        read_shelf(shelf);
      }
    }
  }
}

void SectionReader::read_shelf(element shelf) {
  const auto rows = shelf_rows(shelf["items"]);
  if (!rows) {
    return;
  }
  std::int64_t total = json::integer(shelf["totalCount"])
                           .value_or(json::integer(shelf["items"]["totalCount"]).value_or(-1));
  add_section(json::text(shelf["contentId"]), json::title(shelf["title"]),
              json::text(shelf["uri"]), *rows, total);
}

void SectionReader::read_other_document(element data, std::string_view requested_country) {
  set_country(requested_country, {});
  find_section_containers(data);
  if (hub_.sections.empty()) {
    find_item_collections(data, {});
  }
}

void SectionReader::find_section_containers(element node) {
  simdjson::dom::object object;
  simdjson::dom::array array;
  if (node.get(object) == simdjson::SUCCESS) {
    if (json::object(node["sectionItems"])) {
      read_section_container(node);
      return;
    }
    for (auto field : object) {
      find_section_containers(field.value);
    }
  } else if (node.get(array) == simdjson::SUCCESS) {
    for (element child : array) {
      find_section_containers(child);
    }
  }
}

void SectionReader::read_section_container(element container) {
  const json::Node section_items = container["sectionItems"];
  const auto rows = json::array(section_items["items"]);
  if (!rows) {
    return;
  }
  // Home sections keep the title under `data`; browse sections may not.
  std::string_view title = json::title(container["data"]["title"]);
  if (title.empty()) {
    title = json::title(container["title"]);
  }
  add_section({}, title, json::text(container["uri"]), *rows,
              json::integer(section_items["totalCount"]).value_or(-1));
}

void SectionReader::find_item_collections(element node, std::string_view member) {
  simdjson::dom::array rows;
  if (node.get(rows) == simdjson::SUCCESS) {
    if (!member.empty() && holds_items(rows)) {
      add_section(builder_.store(member_content_id(member)), {}, {}, rows, -1);
      return;
    }
    for (element child : rows) {
      find_item_collections(child, {});
    }
    return;
  }
  simdjson::dom::object object;
  if (node.get(object) != simdjson::SUCCESS) {
    return;
  }
  if (const auto items = json::array(node["items"]);
      items && !member.empty() && holds_items(*items)) {
    add_section(builder_.store(member_content_id(member)), {}, {}, *items,
                json::integer(node["totalCount"]).value_or(-1));
    return;
  }
  for (auto field : object) {
    find_item_collections(field.value, field.key);
  }
}

void SectionReader::add_section(std::string_view content_id, std::string_view title,
                                std::string_view uri, simdjson::dom::array rows,
                                std::int64_t total_count) {
  Section& section = hub_.sections.emplace_back(hub_.sections.get_allocator().resource());
  section.title = title;
  if (content_id.empty()) {
    if (!title.empty()) {
      content_id = builder_.store(derive_content_id(title));
    }
    if (content_id.empty() && !uri.empty()) {
      content_id = last_uri_segment(uri);
    }
    if (content_id.empty()) {
      content_id = builder_.store(fmt::format("SECTION_{}", hub_.sections.size()));
    }
  }
  section.content_id = content_id;
  for (element row : rows) {
    if (auto item = builder_.build(row)) {
      section.items.push_back(std::move(*item));
    } else {
      ++dropped_;
    }
  }
  section.total_count =
      total_count >= 0 ? total_count : static_cast<std::int64_t>(section.items.size());
}

}  // namespace countryhub::spotify
