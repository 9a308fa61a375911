#include "spotify/spotify_uri.hpp"

#include <gtest/gtest.h>

namespace countryhub::spotify {
namespace {

std::string link(std::string_view uri) {
  std::string out;
  return append_external_url(out, uri) ? out : "<none>";
}

TEST(ExternalUrl, BuildsLinksForEveryKind) {
  EXPECT_EQ(link("spotify:playlist:37i9dQZEVXbNG2KDcFcKOF"),
            "https://open.spotify.com/playlist/37i9dQZEVXbNG2KDcFcKOF");
  EXPECT_EQ(link("spotify:album:6dVIqQ8qmQ5GBnJ9shOYGE"),
            "https://open.spotify.com/album/6dVIqQ8qmQ5GBnJ9shOYGE");
  EXPECT_EQ(link("spotify:show:3r9LRPeJV5TX5IQFlLlisZ"),
            "https://open.spotify.com/show/3r9LRPeJV5TX5IQFlLlisZ");
  EXPECT_EQ(link("spotify:user:spotify"), "https://open.spotify.com/user/spotify");
}

TEST(ExternalUrl, LinksLegacyPlaylistUrisToPlaylistPath) {
  EXPECT_EQ(link("spotify:user:spotify:playlist:37i9dQZF1DXcBWIGoYBM5M"),
            "https://open.spotify.com/playlist/37i9dQZF1DXcBWIGoYBM5M");
}

TEST(ExternalUrl, PercentEncodesUnsafeIdBytes) {
  EXPECT_EQ(link("spotify:user:a b/c"), "https://open.spotify.com/user/a%20b%2Fc");
}

TEST(ExternalUrl, RejectsOtherForms) {
  EXPECT_EQ(link(""), "<none>");
  EXPECT_EQ(link("https://open.spotify.com/album/x"), "<none>");
  EXPECT_EQ(link("spotify:album:"), "<none>");
  EXPECT_EQ(link("spotify::abc"), "<none>");
  EXPECT_EQ(link("spotify:album"), "<none>");
  EXPECT_EQ(link("spotify:user:x:collection:y"), "<none>");
  EXPECT_EQ(link("spotify:a:b:c:d:e:f"), "<none>");
  EXPECT_EQ(link("spotify:Album:x"), "<none>");
}

}  // namespace
}  // namespace countryhub::spotify
