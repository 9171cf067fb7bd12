#include "connect_workload.hpp"

#include "clock.hpp"
#include "server_spread.hpp"

namespace whisper_bench {
namespace {

// A cycle that has not finished after this long is abandoned and counted: the run
// must stay bounded even if the server stops answering.
constexpr std::uint64_t kCycleTimeoutNs = 5 * kNsPerSec;

}  // namespace

ConnectWorkload::ConnectWorkload(const std::vector<std::string>& cookies, std::int64_t room,
                                 int slots, int thread_index, int thread_count, RunControl& control,
                                 ThreadProgress& progress)
    : cookies_(cookies),
      control_(control),
      progress_(progress),
      slots_(static_cast<std::size_t>(slots)),
      next_id_(static_cast<std::uint32_t>(thread_index)),
      id_step_(static_cast<std::uint32_t>(thread_count)) {
  for (auto& slot : slots_) slot.room = room;
}

void ConnectWorkload::start_cycle(ClientLoop& loop, ClientConn& conn, std::uint64_t now) {
  // Ids (and with them users and source addresses) rotate across cycles.
  conn.id = next_id_;
  next_id_ += id_step_;
  conn.server = static_cast<std::uint32_t>(server_for_connection(conn.id, 1, loop.server_count()));
  conn.started_ns = now;
  ++totals_.started;
  if (!loop.open(conn, cookies_[conn.id % cookies_.size()])) ++totals_.failed;
}

void ConnectWorkload::on_joined(ClientLoop& loop, ClientConn& conn, std::uint64_t) {
  loop.close_gracefully(conn);
}

void ConnectWorkload::on_ended(ClientLoop&, ClientConn& conn, bool clean, std::uint64_t now) {
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

void ConnectWorkload::on_turn(ClientLoop& loop, std::uint64_t now) {
  const bool sending = control_.phase.load(std::memory_order_relaxed) == Phase::kSending;
  const bool scan = now - last_timeout_scan_ > 100000000;  // every 100 ms
  if (scan) last_timeout_scan_ = now;
  for (auto& slot : slots_) {
    if (slot.fd >= 0) {
      if (scan && now - slot.started_ns > kCycleTimeoutNs) {
        loop.drop(slot, ConnState::kIdle);
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

std::uint64_t ConnectWorkload::in_flight() const {
  std::uint64_t count = 0;
  for (const auto& slot : slots_) count += slot.fd >= 0 ? 1 : 0;
  return count;
}

void ConnectWorkload::close_all(ClientLoop& loop) {
  for (auto& slot : slots_) {
    if (slot.fd >= 0) loop.drop(slot, ConnState::kIdle);
  }
}

}  // namespace whisper_bench
