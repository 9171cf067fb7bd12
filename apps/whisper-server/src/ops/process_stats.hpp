// The process's own resource use, as Prometheus' standard process_* metrics report it
// (what client libraries export by default; dashboards expect these names).
#pragma once

#include <cstdint>

namespace whisper_server {

/// One reading; a value the system would not tell is 0.
///
/// Thread safety: plain value type.
struct process_stats {
  std::uint64_t resident_memory_bytes = 0;  ///< /proc/self/statm
  std::uint64_t open_fds = 0;               ///< entries of /proc/self/fd
  std::uint64_t max_fds = 0;                ///< RLIMIT_NOFILE (soft)
  double cpu_seconds = 0;                   ///< user + system time
};

/// Reads the current values (a few system calls; called once per /metrics scrape).
process_stats read_process_stats();

}  // namespace whisper_server
