#pragma once

#include <sys/types.h>

namespace countryhub::testing {

// Returns how many descriptors process `pid` has open (/proc/PID/fd), or
// -1 when it cannot be read.
int open_descriptor_count(pid_t pid);

// Returns the resident memory of process `pid` in KiB (VmRSS of
// /proc/PID/status), or -1 when it cannot be read.
long resident_kib(pid_t pid);

// Raises this process's open-file limit to at least `count`, up to the
// hard limit; returns the soft limit in force afterwards.
long raise_open_file_limit(long count);

}  // namespace countryhub::testing
