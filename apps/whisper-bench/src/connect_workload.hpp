// The connect mode's per-thread workload: `slots` connections in flight, each one
// cycling connect -> upgrade with cookie -> join -> join reply -> close handshake,
// and starting over. A cycle that ends inside the measured window counts, and its
// whole duration goes into the histogram.
//
// Thread safety: owned by one bench thread; talks to the main thread only through
// RunControl.
#pragma once

#include <string>
#include <vector>

#include "client_loop.hpp"
#include "histogram.hpp"
#include "run_control.hpp"

namespace whisper_bench {

struct ConnectTotals {
  std::uint64_t started = 0;
  std::uint64_t completed = 0;
  std::uint64_t completed_measured = 0;
  std::uint64_t failed = 0;
  std::uint64_t timed_out = 0;  // a cycle stuck longer than the cycle timeout
};

class ConnectWorkload : public Workload {
 public:
  ConnectWorkload(const std::vector<std::string>& cookies, std::int64_t room, int slots,
                  int thread_index, int thread_count, RunControl& control,
                  ThreadProgress& progress);

  void on_joined(ClientLoop& loop, ClientConn& conn, std::uint64_t now) override;
  void on_probe(ClientLoop&, ClientConn&, const Classified&, std::uint64_t) override {}
  void on_ended(ClientLoop& loop, ClientConn& conn, bool clean, std::uint64_t now) override;
  void on_turn(ClientLoop& loop, std::uint64_t now) override;

  const Histogram& cycle_times() const { return cycle_times_; }
  const ConnectTotals& totals() const { return totals_; }
  std::uint64_t in_flight() const;
  void close_all(ClientLoop& loop);

 private:
  void start_cycle(ClientLoop& loop, ClientConn& conn, std::uint64_t now);

  const std::vector<std::string>& cookies_;
  RunControl& control_;
  ThreadProgress& progress_;
  std::vector<ClientConn> slots_;
  std::uint32_t next_id_;
  std::uint32_t id_step_;
  std::uint64_t last_timeout_scan_ = 0;
  Histogram cycle_times_;
  ConnectTotals totals_;
};

}  // namespace whisper_bench
