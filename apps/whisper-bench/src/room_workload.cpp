#include "room_workload.hpp"

#include <algorithm>

#include "clock.hpp"
#include "server_spread.hpp"

namespace whisper_bench {

room_workload::room_workload(const room_plan& plan, run_control& control, thread_progress& progress,
                             int thread_index, int thread_count)
    : plan_(plan), control_(control), progress_(progress) {
  // Connection i belongs to thread i % threads and joins room i % rooms; the first
  // `senders` connections send, so with senders == rooms every room has one. With
  // several servers, each room's members (and the senders) are spread over them.
  const auto& rooms = plan.options->room_ids;
  const std::size_t servers = plan.options->ports.size();
  for (int i = thread_index; i < plan.connections; i += thread_count) {
    client_conn conn;
    conn.id = static_cast<std::uint32_t>(i);
    conn.room = rooms[static_cast<std::size_t>(i) % rooms.size()];
    conn.server = static_cast<std::uint32_t>(server_for_connection(conn.id, rooms.size(), servers));
    conn.sender = i < plan.senders;
    conns_.push_back(std::move(conn));
  }
  // Pointers into conns_ stay valid: the vector is never resized after this.
  for (auto& conn : conns_) {
    if (conn.sender) senders_.push_back(&conn);
  }
  if (plan.rate > 0) interval_ns_ = static_cast<std::uint64_t>(1e9 / plan.rate);
}

void room_workload::on_joined(client_loop&, client_conn&, std::uint64_t) {
  --pending_;
  ++joined_;
}

void room_workload::on_probe(client_loop& loop, client_conn& conn, const classified& probe,
                             std::uint64_t now) {
  ++totals_.received;
  if (control_.in_window(now)) ++totals_.arrived_measured;
  if (control_.in_window(probe.send_ns)) {
    ++totals_.received_measured;
    latency_.record(now > probe.send_ns ? now - probe.send_ns : 0);
  }
  if (conn.sender && probe.sender == conn.id && conn.in_flight > 0) {
    --conn.in_flight;
    // Closed loop: each own echo releases one slot of the window.
    if (interval_ns_ == 0 && control_.phase.load(std::memory_order_relaxed) == phase::sending) {
      send_probe(loop, conn);
    }
  }
}

void room_workload::on_ended(client_loop&, client_conn& conn, bool, std::uint64_t) {
  // Nothing here closes on purpose, so every end is a failure: before the join it
  // frees a handshake slot; after it, the room lost a member the expectations count.
  if (conn.ended_from == conn_state::joined) {
    ++totals_.dropped_after_join;
  } else {
    --pending_;
  }
  ++failed_;
}

void room_workload::open_more(client_loop& loop) {
  while (pending_ < static_cast<std::uint64_t>(plan_.max_pending) &&
         next_to_open_ < conns_.size()) {
    client_conn& conn = conns_[next_to_open_++];
    const auto& cookies = *plan_.cookies;
    if (loop.open(conn, cookies[conn.id % cookies.size()])) {
      ++pending_;
    } else {
      ++failed_;
    }
  }
}

void room_workload::start_sending(client_loop& loop, std::uint64_t now) {
  sending_started_ = true;
  std::uint64_t spread = 0;
  for (client_conn* conn : senders_) {
    if (conn->state != conn_state::joined) continue;
    if (interval_ns_ == 0) {
      for (int i = 0; i < plan_.options->window; ++i) send_probe(loop, *conn);
    } else {
      // Spread the open-loop senders over one interval so they do not fire in step.
      conn->next_send_ns = now + spread;
      spread += interval_ns_ / (senders_.size() + 1);
    }
  }
}

void room_workload::send_probe(client_loop& loop, client_conn& conn) {
  const std::uint64_t send_ns = now_ns();
  loop.queue_text(conn, make_send_command(conn.room, send_ns, conn.id,
                                          static_cast<std::size_t>(plan_.options->message_size)));
  ++conn.in_flight;
  ++totals_.sent;
  if (control_.in_window(send_ns)) {
    ++totals_.sent_measured;
    const auto& rooms = plan_.options->room_ids;
    totals_.expected_measured += plan_.members[conn.id % rooms.size()];
  }
}

void room_workload::on_turn(client_loop& loop, std::uint64_t now) {
  open_more(loop);
  const phase current = control_.phase.load(std::memory_order_relaxed);
  if (current == phase::sending) {
    if (!sending_started_) start_sending(loop, now);
    if (interval_ns_ != 0) {
      next_wake_ns_ = UINT64_MAX;
      for (client_conn* conn : senders_) {
        if (conn->state != conn_state::joined) continue;
        while (conn->next_send_ns <= now) {
          if (now - conn->next_send_ns > 1000000) ++totals_.late_sends;
          send_probe(loop, *conn);
          conn->next_send_ns += interval_ns_;
        }
        next_wake_ns_ = std::min(next_wake_ns_, conn->next_send_ns);
      }
    }
  } else {
    next_wake_ns_ = UINT64_MAX;
  }
  progress_.frames.store(loop.counters().frames, std::memory_order_relaxed);
  publish();
}

void room_workload::publish() {
  progress_.joined.store(joined_, std::memory_order_relaxed);
  progress_.failed.store(failed_, std::memory_order_relaxed);
  progress_.received_measured.store(totals_.received_measured, std::memory_order_relaxed);
  progress_.expected_measured.store(totals_.expected_measured, std::memory_order_relaxed);
}

void room_workload::close_all(client_loop& loop) {
  for (auto& conn : conns_) {
    if (conn.fd >= 0) loop.drop(conn, conn_state::idle);
  }
}

}  // namespace whisper_bench
