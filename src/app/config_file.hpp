#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <boost/system/result.hpp>

namespace countryhub::app {

// One `name = value` line of a configuration file.
struct ConfigEntry {
  std::string name;
  std::string value;
  int line = 0;
};

// Parses a configuration file's text: one `name = value` per line, names as
// the long flags without `--` (`listen = 127.0.0.1:8080`), `#` starts a
// comment line, blank lines are skipped, a repeated name adds a value to a
// repeatable setting. Values are taken verbatim after trimming spaces; an
// optional pair of double quotes around a value is removed. Fails with
// "line N: reason" on a line without '=' or with an empty name.
boost::system::result<std::vector<ConfigEntry>, std::string> parse_config_text(
    std::string_view text);

}  // namespace countryhub::app
