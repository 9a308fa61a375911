#include "support/service_process.hpp"

#include <chrono>
#include <csignal>
#include <fstream>
#include <random>
#include <sstream>
#include <stdexcept>
#include <thread>

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace countryhub::testing {
namespace {

std::string read_file(const std::filesystem::path& path) {
  std::ifstream file(path, std::ios::binary);
  std::stringstream text;
  text << file.rdbuf();
  return text.str();
}

std::vector<std::string> environment_with(const std::vector<std::string>& extra) {
  std::vector<std::string> entries;
  for (char** entry = environ; *entry != nullptr; ++entry) {
    // Settings from the developer's shell must not leak into tests.
    if (std::string_view(*entry).starts_with("COUNTRYHUB_")) {
      continue;
    }
    entries.emplace_back(*entry);
  }
  entries.insert(entries.end(), extra.begin(), extra.end());
  return entries;
}

std::vector<char*> pointers_to(std::vector<std::string>& strings) {
  std::vector<char*> pointers;
  for (std::string& text : strings) {
    pointers.push_back(text.data());
  }
  pointers.push_back(nullptr);
  return pointers;
}

// Starts the countryhub binary with stdout and stderr sent to files.
pid_t spawn_countryhub(std::vector<std::string> args, const std::vector<std::string>& env,
                       const std::filesystem::path& out_path,
                       const std::filesystem::path& err_path) {
  args.insert(args.begin(), COUNTRYHUB_BINARY);
  std::vector<char*> argv = pointers_to(args);
  std::vector<std::string> env_strings = environment_with(env);
  std::vector<char*> envp = pointers_to(env_strings);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, out_path.c_str(),
                                   O_WRONLY | O_CREAT | O_TRUNC, 0600);
  posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, err_path.c_str(),
                                   O_WRONLY | O_CREAT | O_APPEND, 0600);
  pid_t pid = -1;
  const int rc = posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) {
    throw std::runtime_error("cannot start " + args[0]);
  }
  return pid;
}

int exit_code_of(int status) {
  if (WIFEXITED(status)) {
    return WEXITSTATUS(status);
  }
  return WIFSIGNALED(status) ? 128 + WTERMSIG(status) : -1;
}

}  // namespace

TempDir::TempDir() {
  std::random_device random;
  path_ = std::filesystem::temp_directory_path() /
          ("countryhub-test-" + std::to_string(::getpid()) + "-" + std::to_string(random()));
  std::filesystem::create_directories(path_);
}

TempDir::~TempDir() {
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);
}

CommandResult run_countryhub(const std::vector<std::string>& args,
                             const std::vector<std::string>& env) {
  TempDir outputs;
  const pid_t pid =
      spawn_countryhub(args, env, outputs.path() / "out", outputs.path() / "err");
  int status = 0;
  ::waitpid(pid, &status, 0);
  return CommandResult{exit_code_of(status), read_file(outputs.path() / "out"),
                       read_file(outputs.path() / "err")};
}

std::unique_ptr<ServiceProcess> ServiceProcess::start(const std::filesystem::path& work_dir,
                                                      const std::vector<std::string>& args) {
  std::unique_ptr<ServiceProcess> service(new ServiceProcess());
  const auto port_file = work_dir / "port";
  std::filesystem::remove(port_file);
  service->log_path_ = work_dir / "server.log";
  std::vector<std::string> full_args = {"serve", "--listen", "127.0.0.1:0", "--port-file",
                                        port_file.string()};
  full_args.insert(full_args.end(), args.begin(), args.end());
  service->pid_ = spawn_countryhub(full_args, {}, work_dir / "server.out", service->log_path_);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (std::chrono::steady_clock::now() < deadline) {
    const std::string port = read_file(port_file);
    if (!port.empty() && port.back() == '\n') {
      service->port_ = static_cast<unsigned short>(std::stoi(port));
      return service;
    }
    int status = 0;
    if (::waitpid(service->pid_, &status, WNOHANG) == service->pid_) {
      service->pid_ = -1;
      throw std::runtime_error("countryhub serve exited with " +
                               std::to_string(exit_code_of(status)) + ": " + service->log());
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  throw std::runtime_error("countryhub serve did not listen within 20 s: " + service->log());
}

ServiceProcess::~ServiceProcess() {
  if (pid_ > 0) {
    kill();
  }
}

std::string ServiceProcess::url(std::string_view path_and_query) const {
  return "http://127.0.0.1:" + std::to_string(port_) + std::string(path_and_query);
}

int ServiceProcess::wait() {
  int status = 0;
  ::waitpid(pid_, &status, 0);
  pid_ = -1;
  return exit_code_of(status);
}

int ServiceProcess::stop() {
  ::kill(pid_, SIGTERM);
  return wait();
}

void ServiceProcess::request_stop() { ::kill(pid_, SIGTERM); }

void ServiceProcess::kill() {
  ::kill(pid_, SIGKILL);
  wait();
}

std::string ServiceProcess::log() const { return read_file(log_path_); }

}  // namespace countryhub::testing
