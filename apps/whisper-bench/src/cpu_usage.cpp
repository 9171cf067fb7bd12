#include "cpu_usage.hpp"

#include <sys/resource.h>
#include <unistd.h>

#include <fstream>
#include <sstream>

#include "clock.hpp"

namespace whisper_bench {

namespace {

double rusage_seconds(int who) {
  rusage usage{};
  getrusage(who, &usage);
  auto seconds = [](const timeval& t) {
    return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6;
  };
  return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

}  // namespace

double own_cpu_seconds() {
  return rusage_seconds(RUSAGE_SELF);
}
double thread_cpu_seconds() {
  return rusage_seconds(RUSAGE_THREAD);
}

double parse_stat_cpu_seconds(const std::string& stat, long ticks_per_second) {
  // Fields after the command name, which ends at the LAST ')': state is field 3,
  // utime field 14, stime field 15.
  auto close = stat.rfind(')');
  if (close == std::string::npos || ticks_per_second <= 0) return -1;
  std::istringstream fields(stat.substr(close + 1));
  std::string field;
  double utime = -1, stime = -1;
  for (int number = 3; number <= 15 && fields >> field; ++number) {
    if (number == 14) utime = std::stod(field);
    if (number == 15) stime = std::stod(field);
  }
  if (utime < 0 || stime < 0) return -1;
  return (utime + stime) / static_cast<double>(ticks_per_second);
}

double process_cpu_seconds(int pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  if (!in) return -1;
  std::string stat((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  return parse_stat_cpu_seconds(stat, sysconf(_SC_CLK_TCK));
}

double processes_cpu_seconds(const std::vector<int>& pids) {
  double sum = 0;
  for (int pid : pids) {
    const double seconds = process_cpu_seconds(pid);
    if (seconds < 0) return -1;
    sum += seconds;
  }
  return sum;
}

void cpu_window::begin() {
  wall_start = static_cast<double>(now_ns()) / 1e9;
  own_start = own_cpu_seconds();
  server_start = server_pids.empty() ? -1 : processes_cpu_seconds(server_pids);
}

void cpu_window::end() {
  wall_s = static_cast<double>(now_ns()) / 1e9 - wall_start;
  own_s = own_cpu_seconds() - own_start;
  if (!server_pids.empty() && server_start >= 0) {
    double now = processes_cpu_seconds(server_pids);
    server_s = now >= 0 ? now - server_start : -1;
  }
}

}  // namespace whisper_bench
