#include "proc_status.hpp"

#include <fstream>
#include <sstream>
#include <string>

namespace whisper_bench {

std::int64_t parse_vmrss_kib(std::istream& status) {
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmRSS:", 0) != 0) continue;
    std::istringstream fields(line.substr(6));
    std::int64_t kib = -1;
    std::string unit;
    fields >> kib >> unit;
    return unit == "kB" ? kib : -1;
  }
  return -1;
}

std::int64_t read_vmrss_kib(int pid) {
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  if (!status) return -1;
  return parse_vmrss_kib(status);
}

std::int64_t read_vmrss_kib(const std::vector<int>& pids) {
  std::int64_t sum = 0;
  for (int pid : pids) {
    const std::int64_t kib = read_vmrss_kib(pid);
    if (kib < 0) return -1;
    sum += kib;
  }
  return sum;
}

}  // namespace whisper_bench
