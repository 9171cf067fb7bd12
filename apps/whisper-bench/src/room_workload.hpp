// The workload of the fanout, idle and selftest modes, one instance per thread:
// open this thread's connections (at most `max_pending` handshakes at a time), join
// each to its room, and once the main thread says so, let the senders send probes,
// closed loop (a window of own messages in flight, refilled by their own echoes) or
// open loop (a fixed rate). Every probe any connection receives is a delivery; those
// sent inside the measured window go into the latency histogram.
//
// Thread safety: owned by one bench thread; talks to the main thread only through
// RunControl.
#pragma once

#include <string>
#include <vector>

#include "client_loop.hpp"
#include "histogram.hpp"
#include "options.hpp"
#include "run_control.hpp"

namespace whisper_bench {

// Read-only facts shared by all threads.
struct RoomPlan {
  const Options* options = nullptr;
  const std::vector<std::string>* cookies = nullptr;
  std::vector<std::uint32_t> members;  // connections per room index
  int connections = 0;
  int senders = 0;
  double rate = 0;  // per sender; 0: closed loop
  int max_pending = 64;
  int pin_cpu = -1;  // >= 0: pin the (single) bench thread there (selftest)
};

struct RoomTotals {
  std::uint64_t sent = 0;
  std::uint64_t sent_measured = 0;
  std::uint64_t expected_measured = 0;
  std::uint64_t received = 0;
  std::uint64_t received_measured = 0;  // probes sent inside the window
  std::uint64_t arrived_measured = 0;   // probes received inside the window (selftest)
  std::uint64_t late_sends = 0;         // open loop: sends more than 1 ms behind schedule
  std::uint64_t dropped_after_join = 0;
};

class RoomWorkload : public Workload {
 public:
  RoomWorkload(const RoomPlan& plan, RunControl& control, ThreadProgress& progress,
               int thread_index, int thread_count);

  void on_joined(ClientLoop& loop, ClientConn& conn, std::uint64_t now) override;
  void on_probe(ClientLoop& loop, ClientConn& conn, const Classified& probe,
                std::uint64_t now) override;
  void on_ended(ClientLoop& loop, ClientConn& conn, bool clean, std::uint64_t now) override;
  void on_turn(ClientLoop& loop, std::uint64_t now) override;
  std::uint64_t next_wake_ns() const override { return next_wake_ns_; }

  const Histogram& latency() const { return latency_; }
  const RoomTotals& totals() const { return totals_; }
  void close_all(ClientLoop& loop);

 private:
  void open_more(ClientLoop& loop);
  void start_sending(ClientLoop& loop, std::uint64_t now);
  void send_probe(ClientLoop& loop, ClientConn& conn);
  void publish();

  const RoomPlan& plan_;
  RunControl& control_;
  ThreadProgress& progress_;
  std::vector<ClientConn> conns_;
  std::vector<ClientConn*> senders_;
  std::size_t next_to_open_ = 0;
  std::uint64_t pending_ = 0;
  std::uint64_t joined_ = 0;
  std::uint64_t failed_ = 0;
  bool sending_started_ = false;
  std::uint64_t interval_ns_ = 0;
  std::uint64_t next_wake_ns_ = UINT64_MAX;
  Histogram latency_;
  RoomTotals totals_;
};

}  // namespace whisper_bench
