#include <set>

#include <gtest/gtest.h>

#include "spotify/normalizer.hpp"
#include "support/normalized.hpp"

namespace countryhub::spotify {
namespace {

namespace json = boost::json;
using countryhub::testing::normalize_fixture;

const json::array& sections(const json::object& hub) { return hub.at("sections").as_array(); }

const json::object& item(const json::object& hub, std::size_t section, std::size_t index) {
  return sections(hub).at(section).at("items").at(index).as_object();
}

TEST(NormalizeCountryHub, ReadsHeaderOfUsHub) {
  const auto hub = normalize_fixture("composed/hub_us.json");
  EXPECT_EQ(hub.at("countryCode"), "US");
  EXPECT_EQ(hub.at("countryName"), "United States");
  EXPECT_EQ(hub.at("hexColor"), "#1E3264");
  EXPECT_EQ(hub.at("supportedCountries").as_array().size(), 184u);
}

TEST(NormalizeCountryHub, KeepsShelfOrderIdsTitlesAndCounts) {
  const auto hub = normalize_fixture("composed/hub_us.json");
  const auto& list = sections(hub);
  ASSERT_EQ(list.size(), 4u);
  const char* ids[] = {"CHARTS", "POPULAR_ALBUMS", "POPULAR_ARTISTS", "TRENDING_SONGS"};
  for (std::size_t i = 0; i < 4; ++i) {
    EXPECT_EQ(list[i].at("contentId"), ids[i]);
  }
  EXPECT_EQ(list[0].at("totalCount"), 4);   // no count given: items after drops
  EXPECT_EQ(list[1].at("totalCount"), 20);  // Spotify's own count
  EXPECT_EQ(list[1].at("items").as_array().size(), 6u);
}

TEST(NormalizeCountryHub, WritesMeta) {
  const auto hub = normalize_fixture("composed/hub_us.json");
  const auto& meta = hub.at("meta").as_object();
  EXPECT_EQ(meta.at("operationName"), "countryHubsPage");
  EXPECT_EQ(meta.at("appVersion"), "1.2.93.74.g96d1110e");
  EXPECT_EQ(meta.at("fetchedAt"), "2026-06-05T14:23:00.000Z");
  EXPECT_EQ(meta.at("sectionCount"), 4);
  EXPECT_EQ(meta.at("itemCount"), 30);
  EXPECT_EQ(meta.at("droppedItemCount"), 0);
  EXPECT_TRUE(meta.at("partialErrors").as_array().empty());
  EXPECT_EQ(meta.at("requestId"), "req-test");
  EXPECT_EQ(meta.at("cache").at("status"), "miss");
  EXPECT_EQ(meta.at("cache").at("ageSeconds"), 0);
}

TEST(NormalizeCountryHub, NormalizesEachItemKind) {
  const auto hub = normalize_fixture("composed/hub_us_with_podcasts.json");
  std::set<std::string> kinds;
  for (const auto& section : sections(hub)) {
    for (const auto& entry : section.at("items").as_array()) {
      kinds.insert(std::string(entry.at("type").as_string()));
    }
  }
  EXPECT_EQ(kinds, (std::set<std::string>{"Playlist", "Album", "Track", "Artist", "Podcast",
                                          "Episode"}));
}

TEST(NormalizeCountryHub, NormalizesPodcastAndEpisode) {
  const auto hub = normalize_fixture("composed/hub_us_with_podcasts.json");
  const auto& podcasts = sections(hub).at(4).at("items").as_array();
  const auto& podcast = podcasts.at(0).as_object();
  EXPECT_EQ(podcast.at("type"), "Podcast");
  EXPECT_TRUE(podcast.at("uri").as_string().starts_with("spotify:show:"));
  EXPECT_TRUE(podcast.contains("subtitle"));  // publisher name
  EXPECT_TRUE(podcast.at("externalUrl").as_string().starts_with("https://open.spotify.com/show/"));

  const json::object* episode = nullptr;
  for (const auto& entry : podcasts) {
    if (entry.at("type") == "Episode") {
      episode = &entry.as_object();
      break;
    }
  }
  ASSERT_NE(episode, nullptr);
  const auto& show = episode->at("album").as_object();
  EXPECT_EQ(show.at("type"), "Podcast");
  EXPECT_EQ(episode->at("subtitle"), show.at("title"));
  EXPECT_TRUE(show.at("uri").as_string().starts_with("spotify:show:"));
}

TEST(NormalizeCountryHub, UsesRequestedCountryWhenHubNamesNone) {
  const auto hub = normalize_fixture("composed/hub_no_country.json", "de");
  EXPECT_EQ(hub.at("countryCode"), "DE");
  EXPECT_EQ(hub.at("countryName"), "Germany");
}

TEST(NormalizeCountryHub, KeepsPartialErrorsBesideData) {
  const auto hub = normalize_fixture("composed/hub_partial_errors.json");
  const auto& errors = hub.at("meta").at("partialErrors").as_array();
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0], "Could not fetch shelf POPULAR_ARTISTS");
  EXPECT_EQ(sections(hub).size(), 3u);  // the failed shelf is null and skipped
}

TEST(NormalizeEdgeCases, CountsDroppedItemsAndSkipsNullShelf) {
  const auto hub = normalize_fixture("composed/hub_edge_cases.json");
  EXPECT_EQ(hub.at("countryCode"), "JP");
  EXPECT_EQ(hub.at("hexColor"), "#AABBCC");  // "#abc" expanded
  const auto& meta = hub.at("meta").as_object();
  EXPECT_EQ(meta.at("sectionCount"), 5);
  EXPECT_EQ(meta.at("itemCount"), 13);
  EXPECT_EQ(meta.at("droppedItemCount"), 10);
  const auto& empty = sections(hub).at(4).as_object();
  EXPECT_EQ(empty.at("contentId"), "NEW_RELEASES");
  EXPECT_EQ(empty.at("totalCount"), 0);
  EXPECT_TRUE(empty.at("items").as_array().empty());
}

TEST(NormalizeEdgeCases, ReadsTitleObjectsAndUnicodeTitles) {
  const auto hub = normalize_fixture("composed/hub_edge_cases.json");
  EXPECT_EQ(sections(hub).at(0).at("title"), "\xE3\x83\x81\xE3\x83\xA3\xE3\x83\xBC\xE3\x83\x88");
  EXPECT_EQ(sections(hub).at(1).at("title"), "Popular albums");  // translatedBaseText
  EXPECT_EQ(sections(hub).at(2).at("title"), "Today\xE2\x80\x99s top artists");
  EXPECT_EQ(item(hub, 0, 3).at("title"), "Late night \xF0\x9F\x8E\xA7\xF0\x9F\x94\xA5");
  EXPECT_EQ(item(hub, 1, 0).at("title"), "\xE3\x82\xA2\xE3\x82\xA4\xE3\x83\x89\xE3\x83\xAB");
  EXPECT_EQ(item(hub, 3, 0).at("title"), "\xD8\xAD\xD8\xA8\xD9\x8A\xD8\xA8\xD9\x8A");
  EXPECT_EQ(item(hub, 3, 1).at("title"), "Don\xE2\x80\x99t Look Back");
}

TEST(NormalizeEdgeCases, MergesAttributesLaterKeyWins) {
  const auto hub = normalize_fixture("composed/hub_edge_cases.json");
  const auto& attributes = item(hub, 0, 0).at("attributes").as_object();
  EXPECT_EQ(attributes.at("rank_type"), "streams");
  EXPECT_EQ(attributes.at("new_entries_count"), "5");
  EXPECT_EQ(attributes.at("is_weekly"), "true");
  EXPECT_EQ(attributes.at("last_updated"), "2026-06-05T14:23:00Z");
  EXPECT_FALSE(attributes.contains("region"));  // null
  EXPECT_FALSE(attributes.contains("theme"));   // object
  EXPECT_FALSE(attributes.contains("tags"));    // array
}

TEST(NormalizeEdgeCases, LinksLegacyPlaylistUri) {
  const auto hub = normalize_fixture("composed/hub_edge_cases.json");
  EXPECT_EQ(item(hub, 0, 1).at("uri"), "spotify:user:spotify:playlist:37i9dQZF1DXcBWIGoYBM5M");
  EXPECT_EQ(item(hub, 0, 1).at("externalUrl"),
            "https://open.spotify.com/playlist/37i9dQZF1DXcBWIGoYBM5M");
}

TEST(NormalizeEdgeCases, StripsHtmlFromDescription) {
  const auto hub = normalize_fixture("composed/hub_edge_cases.json");
  EXPECT_EQ(item(hub, 0, 2).at("description"),
            "Chill & more \xE2\x80\x94 caf\xC3\xA9 \xE2\x9D\xA4 \xE2\x99\xAB a < b");
}

TEST(NormalizeEdgeCases, KeepsItemWithNullNameAndCover) {
  const auto hub = normalize_fixture("composed/hub_edge_cases.json");
  const auto& album = item(hub, 1, 1);
  EXPECT_EQ(album.at("uri"), "spotify:album:3gBVdu4a1MMJVMy6vwPEb8");
  EXPECT_FALSE(album.contains("title"));
  EXPECT_FALSE(album.contains("images"));
  EXPECT_FALSE(album.contains("imageUrl"));
  EXPECT_EQ(album.at("subtitle"), "Radiohead");
  EXPECT_EQ(album.at("artists").as_array().size(), 1u);
}

TEST(NormalizeEdgeCases, TakesKindFromWrapperName) {
  const auto hub = normalize_fixture("composed/hub_edge_cases.json");
  EXPECT_EQ(item(hub, 1, 2).at("type"), "Album");
  EXPECT_EQ(item(hub, 1, 2).at("title"), "The Bends");
}

TEST(NormalizeEdgeCases, OrdersDeduplicatedImages) {
  const auto hub = normalize_fixture("composed/hub_edge_cases.json");
  const auto& album = item(hub, 1, 3);
  const auto& images = album.at("images").as_array();
  ASSERT_EQ(images.size(), 4u);
  EXPECT_EQ(album.at("imageUrl"),
            "https://i.scdn.co/image/ab67616d0000b273de3c04b5fc750b68899b20a9");
  EXPECT_EQ(images[0].at("width"), 640);
  EXPECT_EQ(images[1].at("height"), 300);
  EXPECT_EQ(images[2].at("width"), 64);
  EXPECT_TRUE(images[3].at("url").as_string().starts_with("https://pickasso.spotifycdn.com/"));
  EXPECT_FALSE(images[3].as_object().contains("width"));  // the first copy had no size
}

TEST(NormalizeEdgeCases, KeepsArtistsWithoutAvatar) {
  const auto hub = normalize_fixture("composed/hub_edge_cases.json");
  ASSERT_EQ(sections(hub).at(2).at("items").as_array().size(), 2u);
  EXPECT_EQ(item(hub, 2, 0).at("subtitle"), "Artist");
  EXPECT_FALSE(item(hub, 2, 0).contains("images"));
  EXPECT_FALSE(item(hub, 2, 1).contains("images"));
}

TEST(DeriveContentId, FollowsContractRule) {
  EXPECT_EQ(derive_content_id("Featured Charts"), "FEATURED_CHARTS");
  EXPECT_EQ(derive_content_id("  Popular albums!! "), "POPULAR_ALBUMS");
  EXPECT_EQ(derive_content_id("Top 50 - Global"), "TOP_GLOBAL");
  EXPECT_EQ(derive_content_id("caf\xC3\xA9 time"), "CAF\xC3\xA9_TIME");
  EXPECT_EQ(derive_content_id("123"), "");
}

}  // namespace
}  // namespace countryhub::spotify
