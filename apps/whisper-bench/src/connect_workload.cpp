#include "connect_workload.hpp"

#include "clock.hpp"
#include "server_spread.hpp"

namespace whisper_bench {
namespace {

// A cycle that has not finished after this long is abandoned and counted: the run
// must stay bounded even if the server stops answering.
constexpr std::uint64_t cycle_timeout_ns = 5 * ns_per_sec;

}  // namespace

connect_workload::connect_workload(const std::vector<std::string>& cookies, std::int64_t room,
                                   int slots, int thread_index, int thread_count,
                                   run_control& control, thread_progress& progress)
    : cookies_(cookies),
      control_(control),
      progress_(progress),
      slots_(static_cast<std::size_t>(slots)),
      next_id_(static_cast<std::uint32_t>(thread_index)),
      id_step_(static_cast<std::uint32_t>(thread_count)) {
  for (auto& slot : slots_) slot.room = room;
}

void connect_workload::start_cycle(client_loop& loop, client_conn& conn, std::uint64_t now) {
  // Ids (and with them users and source addresses) rotate across cycles.
  conn.id = next_id_;
  next_id_ += id_step_;
  conn.server = static_cast<std::uint32_t>(server_for_connection(conn.id, 1, loop.server_count()));
  conn.started_ns = now;
  ++totals_.started;
  if (!loop.open(conn, cookies_[conn.id % cookies_.size()])) ++totals_.failed;
}

void connect_workload::on_joined(client_loop& loop, client_conn& conn, std::uint64_t) {
  loop.close_gracefully(conn);
}

void connect_workload::on_ended(client_loop&, client_conn& conn, bool clean, std::uint64_t now) {
  // The slot restarts on the next loop turn, not from inside the loop's callback.
  if (!clean) {
    ++totals_.failed;
    return;
  }
  ++totals_.completed;
  if (control_.in_window(now)) {
    ++totals_.completed_measured;
    cycle_times_.record(now - conn.started_ns);
  }
}

void connect_workload::on_turn(client_loop& loop, std::uint64_t now) {
  const bool sending = control_.phase.load(std::memory_order_relaxed) == phase::sending;
  const bool scan = now - last_timeout_scan_ > 100000000;  // every 100 ms
  if (scan) last_timeout_scan_ = now;
  for (auto& slot : slots_) {
    if (slot.fd >= 0) {
      if (scan && now - slot.started_ns > cycle_timeout_ns) {
        loop.drop(slot, conn_state::idle);
        ++totals_.timed_out;
      } else {
        continue;
      }
    }
    if (sending) start_cycle(loop, slot, now);
  }
  progress_.completed_measured.store(totals_.completed_measured, std::memory_order_relaxed);
  progress_.failed.store(totals_.failed + totals_.timed_out, std::memory_order_relaxed);
}

std::uint64_t connect_workload::in_flight() const {
  std::uint64_t count = 0;
  for (const auto& slot : slots_) count += slot.fd >= 0 ? 1 : 0;
  return count;
}

void connect_workload::close_all(client_loop& loop) {
  for (auto& slot : slots_) {
    if (slot.fd >= 0) loop.drop(slot, conn_state::idle);
  }
}

}  // namespace whisper_bench
