// The connect mode's per-thread workload: `slots` connections in flight, each one
// cycling connect -> upgrade with cookie -> join -> join reply -> close handshake,
// and starting over. A cycle that ends inside the measured window counts, and its
// whole duration goes into the histogram.
//
// Thread safety: owned by one bench thread; talks to the main thread only through
// run_control.
#pragma once

#include <string>
#include <vector>

#include "client_loop.hpp"
#include "histogram.hpp"
#include "run_control.hpp"

namespace whisper_bench {

struct connect_totals {
  std::uint64_t started = 0;
  std::uint64_t completed = 0;
  std::uint64_t completed_measured = 0;
  std::uint64_t failed = 0;
  std::uint64_t timed_out = 0;  // a cycle stuck longer than the cycle timeout
};

class connect_workload : public workload {
 public:
  connect_workload(const std::vector<std::string>& cookies, std::int64_t room, int slots,
                   int thread_index, int thread_count, run_control& control,
                   thread_progress& progress);

  void on_joined(client_loop& loop, client_conn& conn, std::uint64_t now) override;
  void on_probe(client_loop&, client_conn&, const classified&, std::uint64_t) override {}
  void on_ended(client_loop& loop, client_conn& conn, bool clean, std::uint64_t now) override;
  void on_turn(client_loop& loop, std::uint64_t now) override;

  const histogram& cycle_times() const { return cycle_times_; }
  const connect_totals& totals() const { return totals_; }
  std::uint64_t in_flight() const;
  void close_all(client_loop& loop);

 private:
  void start_cycle(client_loop& loop, client_conn& conn, std::uint64_t now);

  const std::vector<std::string>& cookies_;
  run_control& control_;
  thread_progress& progress_;
  std::vector<client_conn> slots_;
  std::uint32_t next_id_;
  std::uint32_t id_step_;
  std::uint64_t last_timeout_scan_ = 0;
  histogram cycle_times_;
  connect_totals totals_;
};

}  // namespace whisper_bench
