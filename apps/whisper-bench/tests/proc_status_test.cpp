#include "proc_status.hpp"

#include <doctest/doctest.h>
#include <unistd.h>

#include <sstream>

using namespace whisper_bench;

TEST_CASE("VmRSS is read in KiB from a status file") {
  std::istringstream status("Name:\tx\nVmPeak:\t  9999 kB\nVmRSS:\t   12345 kB\nThreads:\t1\n");
  CHECK(parse_vmrss_kib(status) == 12345);
}

TEST_CASE("a status file without VmRSS (a kernel thread) gives -1") {
  std::istringstream status("Name:\tkthreadd\nState:\tS\n");
  CHECK(parse_vmrss_kib(status) == -1);
}

TEST_CASE("our own process has a positive VmRSS; a missing process gives -1") {
  CHECK(read_vmrss_kib(static_cast<int>(getpid())) > 0);
  CHECK(read_vmrss_kib(999999999) == -1);
}

TEST_CASE("VmRSS of several servers is their sum, and unknown if one is missing") {
  const int self = static_cast<int>(getpid());
  CHECK(read_vmrss_kib(std::vector<int>{self, self}) > read_vmrss_kib(self));
  CHECK(read_vmrss_kib(std::vector<int>{self, 999999999}) == -1);
}

#include "cpu_usage.hpp"

TEST_CASE("CPU seconds are utime + stime of a stat line, even with ') ' in the name") {
  std::string stat =
      "1234 (odd) name) S 1 1234 1234 0 -1 4194560 500 0 0 0 250 150 0 0 20 0 1 0 100 0 0";
  CHECK(parse_stat_cpu_seconds(stat, 100) == doctest::Approx(4.0));
  CHECK(parse_stat_cpu_seconds("garbage", 100) == -1);
}

TEST_CASE("this process's CPU time is readable both ways and grows with work") {
  double before = own_cpu_seconds();
  volatile double sink = 0;
  for (int i = 0; i < 20000000; ++i) sink = sink + i * 0.5;
  CHECK(own_cpu_seconds() > before);
  CHECK(process_cpu_seconds(static_cast<int>(getpid())) >= 0);
  CHECK(process_cpu_seconds(999999999) == -1);
}

TEST_CASE("CPU time of several servers is unknown if one of them is missing") {
  const int self = static_cast<int>(getpid());
  CHECK(processes_cpu_seconds({self, self}) >= 0);
  CHECK(processes_cpu_seconds({self, 999999999}) == -1);
}
