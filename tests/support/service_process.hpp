#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <sys/types.h>

namespace countryhub::testing {

// A folder under the system temp dir, removed with everything in it.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

struct CommandResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

// Runs the countryhub binary with `args` to completion and captures its
// output. `env` entries ("NAME=value") are added to the environment.
CommandResult run_countryhub(const std::vector<std::string>& args,
                             const std::vector<std::string>& env = {});

// A running `countryhub serve` on 127.0.0.1 and a free port, its log going
// to a file beside the database.
class ServiceProcess {
 public:
  // Starts the server with `args` after `serve --listen 127.0.0.1:0`; throws
  // std::runtime_error with the log when it is not listening within 20 s.
  static std::unique_ptr<ServiceProcess> start(const std::filesystem::path& work_dir,
                                               const std::vector<std::string>& args);
  ~ServiceProcess();

  // Returns http://127.0.0.1:PORT followed by `path_and_query`.
  std::string url(std::string_view path_and_query) const;
  unsigned short port() const { return port_; }
  // The server's process id, for reading /proc/<pid>; -1 once it was reaped.
  pid_t pid() const { return pid_; }
  // Sends SIGTERM and waits; returns the exit code (128 + signal when killed).
  int stop();
  // Sends SIGTERM without waiting; wait() collects the exit code.
  void request_stop();
  int wait();
  // Sends SIGKILL and waits.
  void kill();
  // Returns what the server has logged so far.
  std::string log() const;

 private:
  ServiceProcess() = default;

  pid_t pid_ = -1;
  unsigned short port_ = 0;
  std::filesystem::path log_path_;
};

}  // namespace countryhub::testing
