#pragma once

#include <optional>
#include <string>
#include <vector>

#include "spotify/totp.hpp"

namespace countryhub::spotify {

// Name of the file the client keeps in ClientConfig::state_dir.
inline constexpr const char* kStateFileName = "upstream_state.json";

// What the client keeps across restarts. The JSON file contains `format` (1),
// `learned_hashes`, `working_hash`, `bundle_secret` ({secret, version}, or
// null) and `saved_at_ms`.
struct PersistedState {
  std::vector<std::string> learned_hashes;  // countryHubsPage hashes found in the bundle
  std::string working_hash;                 // the hash that last gave a hub; may be empty
  std::optional<TotpSecret> bundle_secret;  // last bundle secret Spotify accepted
};

// Creates `folder` when missing. Throws std::invalid_argument naming
// --state-dir when it cannot be created or is not a folder.
void prepare_state_dir(const std::string& folder);

// Reads the state file of `folder`; nullopt when there is none. A file that
// cannot be read or is not valid is logged and ignored (nullopt), because
// everything in it can be learned again. Hashes that are not 64 hex digits
// are dropped.
std::optional<PersistedState> read_state_file(const std::string& folder);

// Writes the state file of `folder` through a temporary file and a rename,
// with mode 0600. Returns false and logs when that fails, and the client
// goes on with the state in memory.
bool write_state_file(const std::string& folder, const PersistedState& state);

}  // namespace countryhub::spotify
