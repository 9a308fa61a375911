#include "spotify/recording.hpp"

#include <array>
#include <cctype>
#include <ctime>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <system_error>

#include <fmt/format.h>

#include "common/logging.hpp"

namespace countryhub::spotify {
namespace {

constexpr std::array<std::string_view, 2> kTokenMembers = {"\"accessToken\"", "\"token\""};
constexpr std::string_view kRedacted = "<redacted>";

std::string utc_stamp() {
  const std::time_t now = std::time(nullptr);
  std::tm parts{};
  gmtime_r(&now, &parts);
  std::array<char, 32> text{};
  const std::size_t size = std::strftime(text.data(), text.size(), "%Y%m%dT%H%M%SZ", &parts);
  return std::string(text.data(), size);
}

std::size_t skip_space(std::string_view text, std::size_t position) {
  while (position < text.size() && std::isspace(static_cast<unsigned char>(text[position]))) {
    ++position;
  }
  return position;
}

// Returns the end (the closing quote) of the JSON string whose contents
// start at `position`, or npos when it is not closed.
std::size_t find_string_end(std::string_view text, std::size_t position) {
  while (position < text.size()) {
    if (text[position] == '\\') {
      position += 2;
    } else if (text[position] == '"') {
      return position;
    } else {
      ++position;
    }
  }
  return std::string_view::npos;
}

// Redacts the values of one member name and returns the edited text.
std::string redact_member(std::string_view text, std::string_view quoted_name) {
  std::string output;
  std::size_t copied = 0;
  std::size_t search = 0;
  while ((search = text.find(quoted_name, search)) != std::string_view::npos) {
    std::size_t position = skip_space(text, search + quoted_name.size());
    search += quoted_name.size();
    if (position >= text.size() || text[position] != ':') {
      continue;
    }
    position = skip_space(text, position + 1);
    if (position >= text.size() || text[position] != '"') {
      continue;
    }
    const std::size_t end = find_string_end(text, position + 1);
    if (end == std::string_view::npos) {
      // An unclosed value: drop the rest rather than write part of a token.
      output.append(text.substr(copied, position + 1 - copied));
      output.append(kRedacted);
      return output;
    }
    output.append(text.substr(copied, position + 1 - copied));
    output.append(kRedacted);
    copied = end;
    search = end;
  }
  output.append(text.substr(copied));
  return output;
}

bool is_ascii_letter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

std::string lower(std::string_view text) {
  std::string lowered(text);
  for (char& c : lowered) {
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return lowered;
}

}  // namespace

Recorder::Recorder(std::filesystem::path folder) : folder_(std::move(folder)) {
  std::error_code error;
  std::filesystem::create_directories(folder_, error);
  if (error || !std::filesystem::is_directory(folder_)) {
    throw std::invalid_argument(fmt::format("record folder '{}' cannot be created: {}",
                                            folder_.string(),
                                            error ? error.message() : "not a folder"));
  }
}

void Recorder::write_response(std::string_view call, std::string_view country, int status,
                              std::string_view body, bool has_tokens) {
  const std::uint64_t sequence = ++sequence_;
  std::string name = fmt::format("{}-{:06}-{}", utc_stamp(), sequence, call);
  if (hub_file_name(country)) {
    name += "-" + lower(country);
  }
  name += fmt::format("-{}.body", status);
  write_file(folder_ / name, has_tokens ? redact_tokens(body) : std::string(body));
}

void Recorder::write_hub(std::string_view country, std::string_view body) {
  const std::optional<std::string> name = hub_file_name(country);
  if (!name) {
    return;
  }
  // Write under a unique temporary name, then rename: a concurrent replay
  // or a second recording of the same country never reads half a file.
  const std::filesystem::path temporary = folder_ / fmt::format(".{}.{}.tmp", *name, ++sequence_);
  write_file(temporary, body);
  std::error_code error;
  std::filesystem::rename(temporary, folder_ / *name, error);
  if (error) {
    common::logger("spotify")->warn("record_failed file={} error=\"{}\"", *name, error.message());
    std::filesystem::remove(temporary, error);
  }
}

void Recorder::write_file(const std::filesystem::path& path, std::string_view contents) {
  std::ofstream output(path, std::ios::binary | std::ios::trunc);
  output.write(contents.data(), static_cast<std::streamsize>(contents.size()));
  output.close();
  if (!output) {
    common::logger("spotify")->warn("record_failed file={} error=\"write failed\"",
                                    path.filename().string());
  }
}

std::string redact_tokens(std::string_view text) {
  std::string redacted(text);
  for (std::string_view member : kTokenMembers) {
    redacted = redact_member(redacted, member);
  }
  return redacted;
}

std::optional<std::string> hub_file_name(std::string_view country) {
  if (country.size() != 2 || !is_ascii_letter(country[0]) || !is_ascii_letter(country[1])) {
    return std::nullopt;
  }
  return "hub_" + lower(country) + ".json";
}

std::optional<std::string> read_recorded_hub(const std::filesystem::path& folder,
                                             std::string_view country) {
  const std::optional<std::string> name = hub_file_name(country);
  if (!name) {
    return std::nullopt;
  }
  std::ifstream input(folder / *name, std::ios::binary);
  if (!input) {
    return std::nullopt;
  }
  std::ostringstream contents;
  contents << input.rdbuf();
  return std::move(contents).str();
}

}  // namespace countryhub::spotify
