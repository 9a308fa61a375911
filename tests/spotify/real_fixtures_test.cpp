// Spot checks on the captured responses. Every expected value below was read
// by hand from the raw file it names.
#include <gtest/gtest.h>

#include "support/normalized.hpp"

namespace countryhub::spotify {
namespace {

namespace json = boost::json;
using countryhub::testing::normalize_fixture;

const json::object& first_section(const json::object& hub) {
  return hub.at("sections").at(0).as_object();
}

const json::object& item_at(const json::object& section, std::size_t index) {
  return section.at("items").at(index).as_object();
}

const json::object* section_by_id(const json::object& hub, std::string_view id) {
  for (const auto& section : hub.at("sections").as_array()) {
    if (section.at("contentId").as_string() == id) {
      return &section.as_object();
    }
  }
  return nullptr;
}

TEST(RealFeaturedCharts, NormalizesChartPlaylist) {
  const auto hub = normalize_fixture("real/home_section_featured_charts.json");
  const auto& section = first_section(hub);
  EXPECT_EQ(section.at("contentId"), "FEATURED_CHARTS");
  EXPECT_EQ(section.at("title"), "Featured Charts");
  const auto& playlist = item_at(section, 0);
  EXPECT_EQ(playlist.at("uri"), "spotify:playlist:37i9dQZEVXbNG2KDcFcKOF");
  EXPECT_EQ(playlist.at("type"), "Playlist");
  EXPECT_EQ(playlist.at("title"), "Top Songs - Global");
  EXPECT_EQ(playlist.at("subtitle"), "Spotify");
  EXPECT_EQ(playlist.at("description"),
            "Your weekly update of the most played tracks right now - Global.");
  EXPECT_EQ(playlist.at("externalUrl"),
            "https://open.spotify.com/playlist/37i9dQZEVXbNG2KDcFcKOF");
  EXPECT_EQ(playlist.at("owner").at("uri"), "spotify:user:spotify");
  EXPECT_EQ(playlist.at("owner").at("type"), "User");
  const auto& attributes = playlist.at("attributes").as_object();
  EXPECT_EQ(attributes.at("rank_type"), "plays");
  EXPECT_EQ(attributes.at("last_updated"), "2026-06-05T14:23:00Z");
  EXPECT_EQ(attributes.at("new_entries_count"), "5");
  EXPECT_EQ(attributes.at("chart_entity_type"), "track");
  // The chart cover has null sizes and no known size code.
  const auto& image = playlist.at("images").at(0).as_object();
  EXPECT_FALSE(image.contains("width"));
  EXPECT_TRUE(image.at("url").as_string().starts_with("https://charts-images.scdn.co/"));
}

TEST(RealPopularAlbums, OrdersCoverArtLargestFirst) {
  const auto hub = normalize_fixture("real/home_section_popular_albums.json");
  const auto& section = first_section(hub);
  EXPECT_EQ(section.at("contentId"), "POPULAR_ALBUMS");
  ASSERT_EQ(section.at("items").as_array().size(), 2u);
  const auto& album = item_at(section, 0);
  EXPECT_EQ(album.at("uri"), "spotify:album:6EgR5UlxMx9JksQUqR9Yep");
  EXPECT_EQ(album.at("title"), "Caligo Pt.1");
  EXPECT_EQ(album.at("subtitle"), "PLAVE");
  EXPECT_EQ(album.at("artists").at(0).at("type"), "Artist");
  // Source order is 300, 64, 640.
  const auto& images = album.at("images").as_array();
  EXPECT_EQ(images.at(0).at("width"), 640);
  EXPECT_EQ(images.at(1).at("width"), 300);
  EXPECT_EQ(images.at(2).at("width"), 64);
  EXPECT_EQ(album.at("imageUrl"),
            "https://i.scdn.co/image/ab67616d0000b273ca59009b95be7b850357de10");
  EXPECT_EQ(item_at(section, 1).at("title"), "IM HERO");
}

TEST(RealTrendingSongs, AddsAlbumSummary) {
  const auto hub = normalize_fixture("real/home_section_trending_songs.json");
  const auto& track = item_at(first_section(hub), 0);
  EXPECT_EQ(track.at("uri"), "spotify:track:7a3iH9vM5Z58GqOMqXBU1M");
  EXPECT_EQ(track.at("title"), "LEMONADE");
  EXPECT_EQ(track.at("subtitle"), "aespa");
  const auto& album = track.at("album").as_object();
  EXPECT_EQ(album.at("uri"), "spotify:album:5dscbWbSUuO5SNnrtiCVSB");
  EXPECT_EQ(album.at("type"), "Album");
  EXPECT_EQ(album.at("title"), "LEMONADE - The 2nd Album");
  EXPECT_EQ(album.at("imageUrl"), track.at("imageUrl"));
}

TEST(RealPlaylistContents, MergesRowChartAttributes) {
  const auto hub = normalize_fixture("real/fetch_playlist_contents_top_songs_global.json");
  const auto& section = first_section(hub);
  ASSERT_EQ(section.at("items").as_array().size(), 2u);
  const auto& first = item_at(section, 0);
  EXPECT_EQ(first.at("title"), "hate that i made you love me");
  EXPECT_EQ(first.at("attributes").at("status"), "NEW");
  EXPECT_EQ(first.at("attributes").at("current_pos"), "1");
  EXPECT_EQ(first.at("attributes").at("rank"), "43646689");
  EXPECT_FALSE(first.at("attributes").as_object().contains("previous_pos"));
  const auto& second = item_at(section, 1);
  EXPECT_EQ(second.at("uri"), "spotify:track:7J1uxwnxfQLu4APicE5Rnj");
  EXPECT_EQ(second.at("attributes").at("status"), "DOWN");
  EXPECT_EQ(second.at("attributes").at("previous_pos"), "1");
}

TEST(RealTop50Global, KeepsSpotifyTotalCount) {
  const auto hub = normalize_fixture("real/fetch_playlist_top50_global.json");
  const auto& section = first_section(hub);
  EXPECT_EQ(section.at("totalCount"), 50);  // 25 rows were fetched of 50
  EXPECT_EQ(section.at("items").as_array().size(), 25u);
  EXPECT_EQ(item_at(section, 0).at("title"), "BbY WOW");
  EXPECT_EQ(item_at(section, 0).at("attributes").at("status"), "EQUAL");
}

TEST(RealAlbum, ReadsBareTrackRows) {
  const auto hub = normalize_fixture("real/get_album_lemonade.json");
  const auto& track = item_at(first_section(hub), 0);
  EXPECT_EQ(track.at("uri"), "spotify:track:7Ccp7Oid3YFAWuY9Ar1eb3");
  EXPECT_EQ(track.at("type"), "Track");
  EXPECT_EQ(track.at("subtitle"), "aespa, G-DRAGON");
  EXPECT_EQ(track.at("artists").as_array().size(), 2u);
}

TEST(RealSearch, NormalizesArtistsAndDropsRestrictedAudiobooks) {
  const auto hub = normalize_fixture("real/search_desktop_radiohead.json");
  const auto* artists = section_by_id(hub, "ARTISTS");
  ASSERT_NE(artists, nullptr);
  EXPECT_EQ(artists->at("totalCount"), 126);
  const auto& radiohead = item_at(*artists, 0);
  EXPECT_EQ(radiohead.at("uri"), "spotify:artist:4Z8W4fKeB5YxbusRsdQVPb");
  EXPECT_EQ(radiohead.at("title"), "Radiohead");
  EXPECT_EQ(radiohead.at("subtitle"), "Artist");
  EXPECT_EQ(radiohead.at("images").at(1).at("width"), 320);

  const auto* audiobooks = section_by_id(hub, "AUDIOBOOKS");
  ASSERT_NE(audiobooks, nullptr);
  EXPECT_TRUE(audiobooks->at("items").as_array().empty());
  EXPECT_EQ(hub.at("meta").at("droppedItemCount"), 25);  // 4 audiobooks, 10 genres, 10 users, 1 top result
}

TEST(RealSearch, OrdersNonSquareAvatarByArea) {
  const auto hub = normalize_fixture("real/search_desktop_radiohead.json");
  const auto* artists = section_by_id(hub, "ARTISTS");
  ASSERT_NE(artists, nullptr);
  for (const auto& entry : artists->at("items").as_array()) {
    if (entry.at("uri") != "spotify:artist:3yY2gUcIsjMr8hjo51PoJ8") {
      continue;
    }
    const auto& images = entry.at("images").as_array();
    ASSERT_EQ(images.size(), 4u);
    EXPECT_EQ(images.at(0).at("width"), 1000);
    EXPECT_EQ(images.at(0).at("height"), 1516);
    EXPECT_EQ(images.at(3).at("width"), 64);
    return;
  }
  FAIL() << "The Smiths not found";
}

TEST(RealSearch, NamesUserOwnedPlaylistOwner) {
  const auto hub = normalize_fixture("real/search_desktop_radiohead.json");
  const auto* playlists = section_by_id(hub, "PLAYLISTS");
  ASSERT_NE(playlists, nullptr);
  const auto& playlist = item_at(*playlists, 0);
  EXPECT_EQ(playlist.at("title"), "THE BEST OF RADIOHEAD");
  EXPECT_EQ(playlist.at("subtitle"), "David");
  EXPECT_EQ(playlist.at("owner").at("uri"), "spotify:user:d3qa8umk1v9sttcclj710wgjd");
  EXPECT_FALSE(playlist.contains("description"));  // empty string counts as no value
}

TEST(RealArtistOverview, DropsGenericErrorEntries) {
  const auto hub = normalize_fixture("real/artist_overview.json");
  const auto* discovered = section_by_id(hub, "DISCOVERED_ON_V2");
  ASSERT_NE(discovered, nullptr);
  EXPECT_EQ(discovered->at("totalCount"), 100);
  EXPECT_EQ(item_at(*discovered, 0).at("title"), "This Is Taylor Swift");
  EXPECT_GT(hub.at("meta").at("droppedItemCount").as_int64(), 0);
}

}  // namespace
}  // namespace countryhub::spotify
