#pragma once

#include <sys/types.h>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include <boost/json/object.hpp>

namespace countryhub::testing {

// Runs tests/fake_spotify/fake_spotify.py (found with `python3` on PATH) as
// a child process on a free 127.0.0.1 port and drives its control API under
// /__control. Every control call uses its own libcurl handle, so calls from
// several threads are safe while the instance lives. Control calls throw
// std::runtime_error when the fake cannot be reached or rejects the request.
class FakeSpotify {
 public:
  // Starts the fake on a free port serving fixtures from `fixtures_dir`;
  // throws std::runtime_error when it exits early or does not come up
  // within 10 s.
  static std::unique_ptr<FakeSpotify> start(std::string fixtures_dir);

  // Sends SIGTERM, then SIGKILL if the fake is still running after 2 s, and
  // reaps it.
  ~FakeSpotify();

  FakeSpotify(const FakeSpotify&) = delete;
  FakeSpotify& operator=(const FakeSpotify&) = delete;

  // Returns http://127.0.0.1:PORT, the base URL of every fake Spotify host.
  std::string base_url() const;

  // Forgets faults, counters and issued tokens and restores the default
  // configuration.
  void reset();

  // Merges a JSON object of configuration keys (totp_secrets,
  // expired_versions, accepted_hashes, bundle_hashes, token_ttl_seconds,
  // v1_enabled, latency_ms) into the configuration.
  void configure(std::string_view json_object);

  // Queues one fault, a JSON object with endpoint, kind and optional count,
  // status, retry_after, delay_ms, fixture and country.
  void add_fault(std::string_view json_object);

  // Returns the per-endpoint call counters and `last_pathfinder`.
  boost::json::object calls();

  // Returns one counter, such as "token" or "pathfinder"; throws
  // std::runtime_error for an unknown counter name.
  std::int64_t calls(std::string_view endpoint);

 private:
  FakeSpotify(pid_t pid, int port, std::string work_dir);

  // Sends a control request and returns the body of its 200 response.
  std::string control(std::string_view path, const std::string* post_body);

  pid_t pid_;
  int port_;
  std::string work_dir_;  // temporary folder holding the port file
};

}  // namespace countryhub::testing
