#include "spotify/images.hpp"

#include <algorithm>
#include <array>
#include <utility>

namespace countryhub::spotify {
namespace {

// i.scdn.co URLs are `https://i.scdn.co/image/<16 hex prefix><id>`: the
// prefix names the entity kind and the rendition. Each code below was seen
// with these square sizes in captured Pathfinder responses.
constexpr std::array<std::pair<std::string_view, std::int64_t>, 11> kSizeCodes = {{
    {"ab67616d00004851", 64},   // album cover
    {"ab67616d00001e02", 300},  // album cover
    {"ab67616d0000b273", 640},  // album cover
    {"ab6761610000f178", 160},  // artist avatar
    {"ab67616100005174", 320},  // artist avatar
    {"ab6761610000e5eb", 640},  // artist avatar
    {"ab6765630000f68d", 64},   // show and episode cover
    {"ab67656300005f1f", 300},  // show and episode cover
    {"ab6765630000ba8a", 640},  // show and episode cover
    {"ab67757000003b82", 64},   // user avatar
    {"ab6775700000ee85", 300},  // user avatar
}};

constexpr std::string_view kScdnImagePrefix = "https://i.scdn.co/image/";

std::optional<std::int64_t> area_of(const Image& image) {
  if (!image.width && !image.height) {
    return std::nullopt;
  }
  // A missing side takes the other side's value.
  const std::int64_t width = image.width.value_or(*image.height);
  const std::int64_t height = image.height.value_or(*image.width);
  return width * height;
}

}  // namespace

std::optional<std::int64_t> size_from_image_url(std::string_view url) {
  if (!url.starts_with(kScdnImagePrefix)) {
    return std::nullopt;
  }
  const std::string_view code = url.substr(kScdnImagePrefix.size(), 16);
  for (const auto& [known, size] : kSizeCodes) {
    if (code == known) {
      return size;
    }
  }
  return std::nullopt;
}

void append_image_sources(const json::Node& sources, std::pmr::vector<Image>& images) {
  const auto list = json::array(sources);
  if (!list) {
    return;
  }
  for (simdjson::dom::element source : *list) {
    const std::string_view url = json::text(source["url"]);
    if (url.empty()) {
      continue;
    }
    images.push_back(Image{url, json::integer(source["width"]), json::integer(source["height"])});
  }
}

void finish_images(std::pmr::vector<Image>& images) {
  if (images.empty()) {
    return;
  }
  // Lists are short (three renditions is typical), so a quadratic scan beats
  // building a hash set.
  auto kept = images.begin();
  for (auto it = images.begin(); it != images.end(); ++it) {
    const bool seen =
        std::any_of(images.begin(), kept, [&](const Image& other) { return other.url == it->url; });
    if (!seen) {
      *kept++ = *it;
    }
  }
  images.erase(kept, images.end());

  for (Image& image : images) {
    if (!image.width && !image.height) {
      if (const auto size = size_from_image_url(image.url)) {
        image.width = size;
        image.height = size;
      }
    }
  }
  std::stable_sort(images.begin(), images.end(), [](const Image& a, const Image& b) {
    const auto area_a = area_of(a);
    const auto area_b = area_of(b);
    if (area_a && area_b) {
      return *area_a > *area_b;
    }
    return area_a.has_value() && !area_b.has_value();
  });
}

}  // namespace countryhub::spotify
