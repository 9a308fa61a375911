#pragma once

#include <memory_resource>
#include <optional>
#include <vector>

#include "spotify/json_access.hpp"
#include "spotify/model.hpp"

namespace countryhub::spotify {

// Appends the `{url, width, height}` entries of a `sources` array to `images`.
// Entries without a URL are skipped.
void append_image_sources(const json::Node& sources, std::pmr::vector<Image>& images);

// Puts `images` in the contract's order: the first copy of each URL is kept,
// missing sizes of known i.scdn.co size codes are filled in, then images are
// sorted by area, largest first, images of unknown size last, ties in source order.
void finish_images(std::pmr::vector<Image>& images);

// Returns the edge length in pixels that an i.scdn.co image URL's size code
// stands for, or nullopt for other URLs and unknown codes.
std::optional<std::int64_t> size_from_image_url(std::string_view url);

}  // namespace countryhub::spotify
