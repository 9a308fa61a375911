#pragma once

#include <string>
#include <string_view>

namespace countryhub::spotify {

// Appends the open.spotify.com link of `uri` to `out` and returns true for
// `spotify:<kind>:<id>` and for the legacy `spotify:user:<user>:playlist:<id>`
// form, which links to /playlist/<id>. Other URIs append nothing and return
// false. Bytes of the id outside RFC 3986's unreserved set are percent-encoded.
bool append_external_url(std::string& out, std::string_view uri);

}  // namespace countryhub::spotify
