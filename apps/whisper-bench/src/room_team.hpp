// The threads of a fanout, idle or selftest run: N threads, each with its own
// client_loop and room_workload, steered by the main thread through run_control. The
// main thread's waits are all bounded by a deadline.
//
// Thread safety: the room_team object is used by the main thread only; the threads it
// starts share nothing with it but run_control until finish() has joined them.
#pragma once

#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "client_loop.hpp"
#include "report.hpp"
#include "room_workload.hpp"

namespace whisper_bench {

struct team_result {
  histogram latency;
  room_totals totals;
  loop_counters counters;
  double cpu_s = 0;  // CPU time of the bench threads, start to finish
};

class room_team {
 public:
  room_team(const target& target, room_plan plan, int threads);
  ~room_team();

  void start();
  // Waits until every connection has joined or failed; false on deadline.
  bool wait_all_settled(std::uint64_t deadline_ns);
  // Waits until no frame has arrived for `quiet_ms` (the join notices have died down).
  void wait_quiet(int quiet_ms, std::uint64_t deadline_ns);
  // Opens the measured window `warmup_s` from now and lets the senders go.
  void begin_sending(double warmup_s, double duration_s);
  void stop_sending() { control_.phase.store(phase::stopped); }
  // Waits until every expected measured delivery has arrived, or the deadline.
  void wait_drained(std::uint64_t deadline_ns);
  team_result finish();

  run_control& control() { return control_; }
  std::uint64_t joined() const { return control_.sum(&thread_progress::joined); }
  std::uint64_t failed() const { return control_.sum(&thread_progress::failed); }
  std::uint64_t measure_start_ns() const { return control_.measure_start_ns.load(); }
  std::uint64_t measure_end_ns() const { return control_.measure_end_ns.load(); }
  // CPU time the bench threads have used so far, read from the main thread.
  double threads_cpu_s();

 private:
  void thread_main(int index);

  target target_;
  room_plan plan_;
  int thread_count_;
  run_control control_;
  std::vector<std::thread> threads_;
  std::vector<team_result> results_;
};

// Merges loop counters (sums, and per-code maps).
void merge_counters(loop_counters& into, const loop_counters& from);
// Adds the failure counters of a run to a JSON result.
void add_counters(json_object& json, const loop_counters& counters);
std::string failure_summary(const loop_counters& counters);

}  // namespace whisper_bench
