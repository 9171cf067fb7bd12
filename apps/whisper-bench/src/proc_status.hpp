// Reads a process's resident set size from /proc/<pid>/status (VmRSS), the figure
// the idle mode divides by the number of connections.
//
// Thread safety: pure functions.
#pragma once

#include <cstdint>
#include <istream>
#include <vector>

namespace whisper_bench {

// VmRSS in KiB from the text of a status file; -1 if the line is missing.
std::int64_t parse_vmrss_kib(std::istream& status);
// VmRSS of `pid` in KiB; -1 if the process does not exist or cannot be read.
std::int64_t read_vmrss_kib(int pid);
// The sum over several processes (servers sharing rooms); -1 if any cannot be read.
std::int64_t read_vmrss_kib(const std::vector<int>& pids);

}  // namespace whisper_bench
