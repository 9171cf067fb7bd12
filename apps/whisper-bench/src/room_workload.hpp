// The workload of the fanout, idle and selftest modes, one instance per thread:
// open this thread's connections (at most `max_pending` handshakes at a time), join
// each to its room, and once the main thread says so, let the senders send probes,
// closed loop (a window of own messages in flight, refilled by their own echoes) or
// open loop (a fixed rate). Every probe any connection receives is a delivery; those
// sent inside the measured window go into the latency histogram.
//
// Thread safety: owned by one bench thread; talks to the main thread only through
// run_control.
#pragma once

#include <string>
#include <vector>

#include "client_loop.hpp"
#include "histogram.hpp"
#include "options.hpp"
#include "run_control.hpp"

namespace whisper_bench {

// Read-only facts shared by all threads.
struct room_plan {
  const whisper_bench::options* options = nullptr;
  const std::vector<std::string>* cookies = nullptr;
  std::vector<std::uint32_t> members;  // connections per room index
  int connections = 0;
  int senders = 0;
  double rate = 0;  // per sender; 0: closed loop
  int max_pending = 64;
  int pin_cpu = -1;  // >= 0: pin the (single) bench thread there (selftest)
};

struct room_totals {
  std::uint64_t sent = 0;
  std::uint64_t sent_measured = 0;
  std::uint64_t expected_measured = 0;
  std::uint64_t received = 0;
  std::uint64_t received_measured = 0;  // probes sent inside the window
  std::uint64_t arrived_measured = 0;   // probes received inside the window (selftest)
  std::uint64_t late_sends = 0;         // open loop: sends more than 1 ms behind schedule
  std::uint64_t dropped_after_join = 0;
};

class room_workload : public workload {
 public:
  room_workload(const room_plan& plan, run_control& control, thread_progress& progress,
                int thread_index, int thread_count);

  void on_joined(client_loop& loop, client_conn& conn, std::uint64_t now) override;
  void on_probe(client_loop& loop, client_conn& conn, const classified& probe,
                std::uint64_t now) override;
  void on_ended(client_loop& loop, client_conn& conn, bool clean, std::uint64_t now) override;
  void on_turn(client_loop& loop, std::uint64_t now) override;
  std::uint64_t next_wake_ns() const override { return next_wake_ns_; }

  const histogram& latency() const { return latency_; }
  const room_totals& totals() const { return totals_; }
  void close_all(client_loop& loop);

 private:
  void open_more(client_loop& loop);
  void start_sending(client_loop& loop, std::uint64_t now);
  void send_probe(client_loop& loop, client_conn& conn);
  void publish();

  const room_plan& plan_;
  run_control& control_;
  thread_progress& progress_;
  std::vector<client_conn> conns_;
  std::vector<client_conn*> senders_;
  std::size_t next_to_open_ = 0;
  std::uint64_t pending_ = 0;
  std::uint64_t joined_ = 0;
  std::uint64_t failed_ = 0;
  bool sending_started_ = false;
  std::uint64_t interval_ns_ = 0;
  std::uint64_t next_wake_ns_ = UINT64_MAX;
  histogram latency_;
  room_totals totals_;
};

}  // namespace whisper_bench
