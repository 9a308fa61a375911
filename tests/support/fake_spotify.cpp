#include "support/fake_spotify.hpp"

#include <curl/curl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <stdexcept>
#include <system_error>
#include <thread>
#include <vector>

#include <boost/json/parse.hpp>

extern char** environ;

namespace countryhub::testing {
namespace {

using Clock = std::chrono::steady_clock;

constexpr auto kStartTimeout = std::chrono::seconds(10);
constexpr auto kStopGrace = std::chrono::seconds(2);
constexpr auto kPollInterval = std::chrono::milliseconds(20);
constexpr long kControlTimeoutMs = 10000;

struct CurlHandleDeleter {
  void operator()(CURL* handle) const { curl_easy_cleanup(handle); }
};

struct CurlListDeleter {
  void operator()(curl_slist* list) const { curl_slist_free_all(list); }
};

// curl_global_init is not thread-safe and must run before any other call.
void init_curl_once() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

std::size_t append_body(char* data, std::size_t size, std::size_t count, void* target) {
  static_cast<std::string*>(target)->append(data, size * count);
  return size * count;
}

std::string make_work_dir() {
  std::string pattern = (std::filesystem::temp_directory_path() / "fake_spotify.XXXXXX").string();
  if (mkdtemp(pattern.data()) == nullptr) {
    throw std::system_error(errno, std::generic_category(), "mkdtemp " + pattern);
  }
  return pattern;
}

pid_t spawn_fake(const std::string& fixtures_dir, const std::string& port_file) {
  std::vector<std::string> args = {"python3",     COUNTRYHUB_FAKE_SPOTIFY_SCRIPT,
                                   "--port",      "0",
                                   "--port-file", port_file,
                                   "--fixtures",  fixtures_dir,
                                   "--exit-with-parent"};
  std::vector<char*> argv;
  for (std::string& arg : args) {
    argv.push_back(arg.data());
  }
  argv.push_back(nullptr);
  pid_t pid = 0;
  const int error = posix_spawnp(&pid, "python3", nullptr, nullptr, argv.data(), environ);
  if (error != 0) {
    throw std::system_error(error, std::generic_category(), "posix_spawnp python3");
  }
  return pid;
}

// Returns true once the process has ended (and is reaped), or was never ours.
bool reap_if_exited(pid_t pid, int* status) {
  const pid_t result = waitpid(pid, status, WNOHANG);
  return result == pid || result < 0;
}

void stop_process(pid_t pid) {
  kill(pid, SIGTERM);
  const auto deadline = Clock::now() + kStopGrace;
  int status = 0;
  while (Clock::now() < deadline) {
    if (reap_if_exited(pid, &status)) {
      return;
    }
    std::this_thread::sleep_for(kPollInterval);
  }
  kill(pid, SIGKILL);
  waitpid(pid, &status, 0);
}

std::string describe_exit(int status) {
  if (WIFEXITED(status)) {
    return "exit code " + std::to_string(WEXITSTATUS(status));
  }
  if (WIFSIGNALED(status)) {
    return "signal " + std::to_string(WTERMSIG(status));
  }
  return "status " + std::to_string(status);
}

// The fake writes the port file by renaming a finished temporary file, so a
// file that exists always contains the whole number.
int wait_for_port(pid_t pid, const std::string& port_file) {
  const auto deadline = Clock::now() + kStartTimeout;
  while (Clock::now() < deadline) {
    std::ifstream input(port_file);
    int port = 0;
    if (input >> port && port > 0) {
      return port;
    }
    int status = 0;
    if (reap_if_exited(pid, &status)) {
      throw std::runtime_error("fake_spotify.py ended with " + describe_exit(status) +
                               " before listening; see its stderr above");
    }
    std::this_thread::sleep_for(kPollInterval);
  }
  stop_process(pid);
  throw std::runtime_error("fake_spotify.py did not write " + port_file + " within 10 s");
}

}  // namespace

std::unique_ptr<FakeSpotify> FakeSpotify::start(std::string fixtures_dir) {
  init_curl_once();
  std::string work_dir = make_work_dir();
  try {
    const pid_t pid = spawn_fake(fixtures_dir, work_dir + "/port");
    const int port = wait_for_port(pid, work_dir + "/port");
    return std::unique_ptr<FakeSpotify>(new FakeSpotify(pid, port, std::move(work_dir)));
  } catch (...) {
    std::error_code ignored;
    std::filesystem::remove_all(work_dir, ignored);
    throw;
  }
}

FakeSpotify::FakeSpotify(pid_t pid, int port, std::string work_dir)
    : pid_(pid), port_(port), work_dir_(std::move(work_dir)) {}

FakeSpotify::~FakeSpotify() {
  stop_process(pid_);
  std::error_code ignored;
  std::filesystem::remove_all(work_dir_, ignored);
}

std::string FakeSpotify::base_url() const {
  return "http://127.0.0.1:" + std::to_string(port_);
}

void FakeSpotify::reset() {
  const std::string body = "{}";
  control("/__control/reset", &body);
}

void FakeSpotify::configure(std::string_view json_object) {
  const std::string body(json_object);
  control("/__control/config", &body);
}

void FakeSpotify::add_fault(std::string_view json_object) {
  const std::string body(json_object);
  control("/__control/fault", &body);
}

boost::json::object FakeSpotify::calls() {
  return boost::json::parse(control("/__control/calls", nullptr)).as_object();
}

std::int64_t FakeSpotify::calls(std::string_view endpoint) {
  const boost::json::object counters = calls();
  const boost::json::value* counter = counters.if_contains(endpoint);
  if (counter == nullptr || !counter->is_int64()) {
    throw std::runtime_error("fake Spotify has no call counter named '" + std::string(endpoint) +
                             "'");
  }
  return counter->as_int64();
}

std::string FakeSpotify::control(std::string_view path, const std::string* post_body) {
  const std::string url = base_url() + std::string(path);
  std::unique_ptr<CURL, CurlHandleDeleter> handle(curl_easy_init());
  if (!handle) {
    throw std::runtime_error("curl_easy_init failed for " + url);
  }
  std::unique_ptr<curl_slist, CurlListDeleter> headers(
      curl_slist_append(nullptr, "Content-Type: application/json"));
  std::string body;

  CURL* curl = handle.get();
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  // An http_proxy variable in the environment must not divert loopback calls.
  curl_easy_setopt(curl, CURLOPT_PROXY, "");
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, kControlTimeoutMs);
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers.get());
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, append_body);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &body);
  if (post_body != nullptr) {
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, post_body->data());
    curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE,
                     static_cast<curl_off_t>(post_body->size()));
  }

  const CURLcode code = curl_easy_perform(curl);
  if (code != CURLE_OK) {
    throw std::runtime_error("fake Spotify control request " + url +
                             " failed: " + curl_easy_strerror(code));
  }

  long status = 0;
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
  if (status != 200) {
    throw std::runtime_error("fake Spotify control request " + url + " returned status " +
                             std::to_string(status) + ": " + body);
  }
  return body;
}

}  // namespace countryhub::testing
