#pragma once

#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>

namespace countryhub::testing {

inline std::string fixture_path(const std::string& relative) {
  return std::string(COUNTRYHUB_FIXTURES_DIR) + "/" + relative;
}

// Reads a whole file as bytes; throws when it cannot be opened, so a renamed
// fixture fails the test instead of testing an empty body.
inline std::string read_file(const std::string& path) {
  std::ifstream input(path, std::ios::binary);
  if (!input) {
    throw std::runtime_error("cannot open " + path);
  }
  std::ostringstream contents;
  contents << input.rdbuf();
  return std::move(contents).str();
}

inline std::string read_fixture(const std::string& relative) {
  return read_file(fixture_path(relative));
}

}  // namespace countryhub::testing
