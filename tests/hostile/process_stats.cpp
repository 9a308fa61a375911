#include "hostile/process_stats.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>
#include <sys/resource.h>

namespace countryhub::testing {

int open_descriptor_count(pid_t pid) {
  std::error_code ec;
  std::filesystem::directory_iterator entries("/proc/" + std::to_string(pid) + "/fd", ec);
  if (ec) {
    return -1;
  }
  int count = 0;
  for (auto it = entries; it != std::filesystem::directory_iterator(); it.increment(ec)) {
    if (ec) {
      return -1;
    }
    ++count;
  }
  return count;
}

long resident_kib(pid_t pid) {
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.starts_with("VmRSS:")) {
      return std::stol(line.substr(6));
    }
  }
  return -1;
}

long raise_open_file_limit(long count) {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0) {
    return -1;
  }
  if (limit.rlim_cur < static_cast<rlim_t>(count)) {
    limit.rlim_cur = std::min(limit.rlim_max, static_cast<rlim_t>(count));
    setrlimit(RLIMIT_NOFILE, &limit);
    getrlimit(RLIMIT_NOFILE, &limit);
  }
  return static_cast<long>(limit.rlim_cur);
}

}  // namespace countryhub::testing
