#pragma once

#include <string>

#include <boost/json.hpp>

#include "common/json_writer.hpp"
#include "spotify/hub_json.hpp"
#include "spotify/normalizer.hpp"
#include "support/fixtures.hpp"

namespace countryhub::testing {

// Fixed meta values so normalized output is the same on every run.
inline spotify::NormalizeOptions fixed_options(std::string_view country = "us") {
  spotify::NormalizeOptions options;
  options.requested_country = country;
  options.app_version = "1.2.93.74.g96d1110e";
  options.fetched_at_ms = 1780669380000;  // 2026-06-05T14:23:00Z
  options.request_id = "req-test";
  return options;
}

// Normalizes a fixture and returns the written CountryHub as a JSON value;
// throws with the upstream error when the fixture is unusable.
inline boost::json::object normalize_fixture(const std::string& relative,
                                             std::string_view country = "us") {
  const std::string body = read_fixture(relative);
  auto document = spotify::normalize_hub(body, fixed_options(country));
  common::JsonWriter writer;
  spotify::write_hub(writer, document.value().hub());
  return boost::json::parse(writer.str()).as_object();
}

}  // namespace countryhub::testing
