#pragma once

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace countryhub::spotify {

// Writes raw upstream responses into a folder so operators can see what
// Spotify sent and replay it later. Thread-safe.
class Recorder {
 public:
  // Creates `folder` when missing; throws std::invalid_argument when that
  // fails or the path is not a folder.
  explicit Recorder(std::filesystem::path folder);

  // Writes `body` as `<UTC yyyymmddThhmmssZ>-<sequence>-<call>[-<cc>]-<status>.body`.
  // With `has_tokens` the values of `accessToken` and `token` members are
  // replaced first. A write failure is logged and otherwise ignored: recording
  // never fails a request.
  void write_response(std::string_view call, std::string_view country, int status,
                      std::string_view body, bool has_tokens);

  // Writes `body` as `hub_<cc>.json`, the file replay reads, replacing the
  // previous one atomically.
  void write_hub(std::string_view country, std::string_view body);

 private:
  void write_file(const std::filesystem::path& path, std::string_view contents);

  std::filesystem::path folder_;
  std::atomic<std::uint64_t> sequence_{0};
};

// Returns `text` with the string value of every `"accessToken"` and
// `"token"` member replaced by `<redacted>`. Works on JSON and on JSON
// embedded in an HTML page.
// NOTE: members written with escaped quotes (JSON inside a JavaScript string)
// are not found.
std::string redact_tokens(std::string_view text);

// Returns `hub_<cc>.json` for a two-letter country code in any case; nullopt
// for anything else, so a request can never name a path outside the folder.
std::optional<std::string> hub_file_name(std::string_view country);

// Reads the recorded Pathfinder body of `country` from `folder`; nullopt when
// there is no such recording.
std::optional<std::string> read_recorded_hub(const std::filesystem::path& folder,
                                             std::string_view country);

}  // namespace countryhub::spotify
