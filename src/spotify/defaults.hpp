#pragma once

#include <string_view>

namespace countryhub::spotify {

// Web-player version sent as `spotify-app-version` and reported in
// `meta.appVersion`: the one seen in the captured Pathfinder requests
// (June 2026). Operators can override it when Spotify moves on.
inline constexpr std::string_view kDefaultAppVersion = "1.2.93.74.g96d1110e";

}  // namespace countryhub::spotify
