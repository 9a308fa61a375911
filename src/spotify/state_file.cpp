#include "spotify/state_file.hpp"

#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <unistd.h>

#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <fmt/format.h>

#include "common/logging.hpp"
#include "common/time_format.hpp"
#include "spotify/bundle_scan.hpp"

namespace countryhub::spotify {
namespace {

namespace fs = std::filesystem;

constexpr std::int64_t kFormat = 1;

boost::json::object to_json(const PersistedState& state) {
  boost::json::array hashes;
  for (const std::string& hash : state.learned_hashes) {
    hashes.emplace_back(hash);
  }
  boost::json::value secret = nullptr;
  if (state.bundle_secret) {
    secret = boost::json::object{{"secret", state.bundle_secret->secret},
                                 {"version", state.bundle_secret->version}};
  }
  return boost::json::object{{"format", kFormat},
                             {"learned_hashes", std::move(hashes)},
                             {"working_hash", state.working_hash},
                             {"bundle_secret", std::move(secret)},
                             {"saved_at_ms", common::now_epoch_ms()}};
}

std::optional<TotpSecret> secret_from_json(const boost::json::value* value) {
  const boost::json::object* object = value != nullptr ? value->if_object() : nullptr;
  if (object == nullptr) {
    return std::nullopt;
  }
  const boost::json::value* secret = object->if_contains("secret");
  const boost::json::value* version = object->if_contains("version");
  if (secret == nullptr || !secret->is_string() || secret->get_string().empty() ||
      version == nullptr || !version->is_int64() || version->get_int64() <= 0) {
    return std::nullopt;
  }
  return TotpSecret{std::string(secret->get_string()), static_cast<int>(version->get_int64())};
}

std::optional<PersistedState> from_json(const boost::json::value& document) {
  const boost::json::object* root = document.if_object();
  const boost::json::value* format = root != nullptr ? root->if_contains("format") : nullptr;
  if (format == nullptr || !format->is_int64() || format->get_int64() != kFormat) {
    return std::nullopt;
  }
  PersistedState state;
  if (const boost::json::value* hashes = root->if_contains("learned_hashes");
      hashes != nullptr && hashes->is_array()) {
    for (const boost::json::value& hash : hashes->get_array()) {
      if (hash.is_string() && is_sha256_hex(hash.get_string())) {
        state.learned_hashes.emplace_back(hash.get_string());
      }
    }
  }
  if (const boost::json::value* working = root->if_contains("working_hash");
      working != nullptr && working->is_string() && is_sha256_hex(working->get_string())) {
    state.working_hash = std::string(working->get_string());
  }
  state.bundle_secret = secret_from_json(root->if_contains("bundle_secret"));
  return state;
}

// Writes `text` to a new file of mode 0600, because the state contains a TOTP
// secret that only this service should read.
bool write_private_file(const fs::path& path, const std::string& text) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) {
    return false;
  }
  std::size_t written = 0;
  while (written < text.size()) {
    const ssize_t step = ::write(fd, text.data() + written, text.size() - written);
    if (step <= 0) {
      ::close(fd);
      return false;
    }
    written += static_cast<std::size_t>(step);
  }
  return ::close(fd) == 0;
}

}  // namespace

void prepare_state_dir(const std::string& folder) {
  std::error_code error;
  fs::create_directories(folder, error);
  if (error || !fs::is_directory(folder)) {
    throw std::invalid_argument(
        fmt::format("--state-dir '{}' is not a folder and cannot be created: {}", folder,
                    error ? error.message() : "a file of that name exists"));
  }
}

std::optional<PersistedState> read_state_file(const std::string& folder) {
  const fs::path path = fs::path(folder) / kStateFileName;
  std::ifstream file(path, std::ios::binary);
  if (!file) {
    return std::nullopt;
  }
  std::stringstream contents;
  contents << file.rdbuf();
  boost::system::error_code error;
  const boost::json::value document = boost::json::parse(contents.str(), error);
  std::optional<PersistedState> state = error ? std::nullopt : from_json(document);
  if (!state) {
    common::logger("spotify")->warn("state_file_ignored path={} reason=\"{}\"", path.string(),
                                    error ? error.message() : "not a format 1 state file");
  }
  return state;
}

bool write_state_file(const std::string& folder, const PersistedState& state) {
  const fs::path path = fs::path(folder) / kStateFileName;
  const fs::path temporary = fs::path(folder) / (std::string(kStateFileName) + ".tmp");
  if (!write_private_file(temporary, boost::json::serialize(to_json(state)) + "\n")) {
    common::logger("spotify")->error("state_file_write_failed path={} reason=\"cannot write\"",
                                     temporary.string());
    return false;
  }
  std::error_code error;
  fs::rename(temporary, path, error);
  if (error) {
    common::logger("spotify")->error("state_file_write_failed path={} reason=\"{}\"", path.string(),
                                     error.message());
    return false;
  }
  return true;
}

}  // namespace countryhub::spotify
