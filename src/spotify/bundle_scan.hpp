#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "spotify/totp.hpp"

namespace countryhub::spotify {

// Returns true when `text` is a SHA-256 hash written as 64 hex digits.
bool is_sha256_hex(std::string_view text);

// Resolves a URL reference from a page at `base`: absolute http(s) URLs are
// kept, `//host/path` takes the base's scheme, `/path` the base's scheme and
// host, and any other reference is taken relative to the base's folder.
std::string resolve_url(std::string_view base, std::string_view reference);

// Returns true when the scanner may download `url`: it is on the origin of
// `web_url` (scheme, host and port), or an https URL on spotifycdn.com or
// one of its subdomains, where the web player's build is served. Other
// hosts named by a page are never contacted.
bool is_trusted_script_url(std::string_view url, std::string_view web_url);

// Returns the web-player bundle scripts an open.spotify.com page loads: the
// `src` and `href` attribute values whose file name is
// `web-player.<hex>.js`, resolved against `page_url`, in page order and
// without duplicates. Empty when the page names none.
std::vector<std::string> find_bundle_urls(std::string_view html, std::string_view page_url);

// Returns the persisted-query hashes registered for `operation` in a bundle
// script, where each appears as `"<operation>","query","<64 hex>"` (single
// quotes accepted too), in script order and without duplicates.
std::vector<std::string> find_operation_hashes(std::string_view script, std::string_view operation);

// Returns the lazily loaded chunk scripts of a webpack bundle. The bundle
// builds a chunk's URL as `<name>.<content hash>.js` in its own folder from
// two object literals keyed by chunk id, one holding names and one content
// hashes (6 to 32 hex digits). The maps are recognized by their values,
// not their order, because Spotify swapped that order in December 2025. A
// chunk without a name is named by its id. Chunks whose names mention "country", "hub" or
// "popular" come first.
std::vector<std::string> find_chunk_urls(std::string_view script, std::string_view script_url);

// Returns the TOTP table of a bundle script, the objects written as
// `{secret:'<s>',version:<n>}` (double quotes, quoted keys and spaces
// accepted), one per version, newest version first.
std::vector<TotpSecret> find_totp_secrets(std::string_view script);

}  // namespace countryhub::spotify
