// The threads of a fanout, idle or selftest run: N threads, each with its own
// ClientLoop and RoomWorkload, steered by the main thread through RunControl. The
// main thread's waits are all bounded by a deadline.
//
// Thread safety: the RoomTeam object is used by the main thread only; the threads it
// starts share nothing with it but RunControl until finish() has joined them.
#pragma once

#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "client_loop.hpp"
#include "report.hpp"
#include "room_workload.hpp"

namespace whisper_bench {

struct TeamResult {
  Histogram latency;
  RoomTotals totals;
  LoopCounters counters;
  double cpu_s = 0;  // CPU time of the bench threads, start to finish
};

class RoomTeam {
 public:
  RoomTeam(const Target& target, RoomPlan plan, int threads);
  ~RoomTeam();

  void start();
  // Waits until every connection has joined or failed; false on deadline.
  bool wait_all_settled(std::uint64_t deadline_ns);
  // Waits until no frame has arrived for `quiet_ms` (the join notices have died down).
  void wait_quiet(int quiet_ms, std::uint64_t deadline_ns);
  // Opens the measured window `warmup_s` from now and lets the senders go.
  void begin_sending(double warmup_s, double duration_s);
  void stop_sending() { control_.phase.store(Phase::kStopped); }
  // Waits until every expected measured delivery has arrived, or the deadline.
  void wait_drained(std::uint64_t deadline_ns);
  TeamResult finish();

  RunControl& control() { return control_; }
  std::uint64_t joined() const { return control_.sum(&ThreadProgress::joined); }
  std::uint64_t failed() const { return control_.sum(&ThreadProgress::failed); }
  std::uint64_t measure_start_ns() const { return control_.measure_start_ns.load(); }
  std::uint64_t measure_end_ns() const { return control_.measure_end_ns.load(); }

 private:
  void thread_main(int index);

  Target target_;
  RoomPlan plan_;
  int thread_count_;
  RunControl control_;
  std::vector<std::thread> threads_;
  std::vector<TeamResult> results_;
};

// Merges loop counters (sums, and per-code maps).
void merge_counters(LoopCounters& into, const LoopCounters& from);
// Adds the failure counters of a run to a JSON result.
void add_counters(JsonObject& json, const LoopCounters& counters);
std::string failure_summary(const LoopCounters& counters);

}  // namespace whisper_bench
