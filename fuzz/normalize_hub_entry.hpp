#pragma once

#include <string>
#include <string_view>

#include "common/json_writer.hpp"
#include "fuzz/entry_support.hpp"
#include "spotify/hub_json.hpp"
#include "spotify/normalizer.hpp"

namespace countryhub::fuzz {

// Normalizes `input` as a Pathfinder response, in the service's mode
// (hub_only) and in the `countryhub normalize` mode. Whatever the input, the
// normalizer must return a value or an error without crashing, and a hub it
// accepts must be written as valid UTF-8 JSON.
inline std::string check_normalize_hub(std::string_view input) {
  for (const bool hub_only : {true, false}) {
    spotify::NormalizeOptions options;
    options.requested_country = "us";
    options.hub_only = hub_only;
    options.app_version = "fuzz";
    options.fetched_at_ms = 1'780'000'000'000;
    options.request_id = "fuzz";
    auto document = spotify::normalize_hub(input, options);
    if (!document) {
      continue;
    }
    common::JsonWriter writer;
    spotify::write_hub(writer, document->hub());
    const std::string& json = writer.str();
    const std::string mode = hub_only ? "write_hub output (hub_only)" : "write_hub output";
    if (!is_valid_utf8(json)) {
      return mode + " is not valid UTF-8";
    }
    if (auto violation = check_parses_as_json(json, mode); !violation.empty()) {
      return violation;
    }
  }
  return {};
}

}  // namespace countryhub::fuzz
