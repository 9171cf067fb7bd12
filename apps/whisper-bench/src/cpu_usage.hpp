// CPU time consumed by this process and by the server under test, so every result
// can say how busy each side was during the measured window: a bench near 100% of
// its core means the figure is the bench's limit, not the server's ("≥" in the docs).
//
// Thread safety: pure functions.
#pragma once

#include <string>
#include <vector>

namespace whisper_bench {

// User + system CPU seconds of this process, all threads.
double own_cpu_seconds();
// User + system CPU seconds of the calling thread.
double thread_cpu_seconds();
// User + system CPU seconds of `pid` from /proc/<pid>/stat; -1 if unreadable.
double process_cpu_seconds(int pid);
// The sum over several processes (servers sharing rooms); -1 if any is unreadable.
double processes_cpu_seconds(const std::vector<int>& pids);
// The same from the text of a stat file (the command name may hold spaces and ')').
double parse_stat_cpu_seconds(const std::string& stat, long ticks_per_second);

// Samples both at the start and the end of a window.
struct cpu_window {
  std::vector<int> server_pids;  // none: the server's share is not measured
  double wall_start = 0, own_start = 0, server_start = 0;
  double wall_s = 0, own_s = 0, server_s = -1;

  void begin();
  void end();
  double own_percent() const { return wall_s > 0 ? 100.0 * own_s / wall_s : 0; }
  double server_percent() const {
    return wall_s > 0 && server_s >= 0 ? 100.0 * server_s / wall_s : -1;
  }
};

}  // namespace whisper_bench
