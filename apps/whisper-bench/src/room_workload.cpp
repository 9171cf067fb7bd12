#include "room_workload.hpp"

#include <algorithm>

#include "clock.hpp"
#include "server_spread.hpp"

namespace whisper_bench {

RoomWorkload::RoomWorkload(const RoomPlan& plan, RunControl& control, ThreadProgress& progress,
                           int thread_index, int thread_count)
    : plan_(plan), control_(control), progress_(progress) {
  // Connection i belongs to thread i % threads and joins room i % rooms; the first
  // `senders` connections send, so with senders == rooms every room has one. With
  // several servers, each room's members (and the senders) are spread over them.
  const auto& rooms = plan.options->room_ids;
  const std::size_t servers = plan.options->ports.size();
  for (int i = thread_index; i < plan.connections; i += thread_count) {
    ClientConn conn;
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

void RoomWorkload::on_joined(ClientLoop&, ClientConn&, std::uint64_t) {
  --pending_;
  ++joined_;
}

void RoomWorkload::on_probe(ClientLoop& loop, ClientConn& conn, const Classified& probe,
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
    if (interval_ns_ == 0 && control_.phase.load(std::memory_order_relaxed) == Phase::kSending) {
      send_probe(loop, conn);
    }
  }
}

void RoomWorkload::on_ended(ClientLoop&, ClientConn& conn, bool, std::uint64_t) {
  // Nothing here closes on purpose, so every end is a failure: before the join it
  // frees a handshake slot; after it, the room lost a member the expectations count.
  if (conn.ended_from == ConnState::kJoined) {
    ++totals_.dropped_after_join;
  } else {
    --pending_;
  }
  ++failed_;
}

void RoomWorkload::open_more(ClientLoop& loop) {
  while (pending_ < static_cast<std::uint64_t>(plan_.max_pending) &&
         next_to_open_ < conns_.size()) {
    ClientConn& conn = conns_[next_to_open_++];
    const auto& cookies = *plan_.cookies;
    if (loop.open(conn, cookies[conn.id % cookies.size()])) {
      ++pending_;
    } else {
      ++failed_;
    }
  }
}

void RoomWorkload::start_sending(ClientLoop& loop, std::uint64_t now) {
  sending_started_ = true;
  std::uint64_t spread = 0;
  for (ClientConn* conn : senders_) {
    if (conn->state != ConnState::kJoined) continue;
    if (interval_ns_ == 0) {
      for (int i = 0; i < plan_.options->window; ++i) send_probe(loop, *conn);
    } else {
      // Spread the open-loop senders over one interval so they do not fire in step.
      conn->next_send_ns = now + spread;
      spread += interval_ns_ / (senders_.size() + 1);
    }
  }
}

void RoomWorkload::send_probe(ClientLoop& loop, ClientConn& conn) {
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

void RoomWorkload::on_turn(ClientLoop& loop, std::uint64_t now) {
  open_more(loop);
  const Phase phase = control_.phase.load(std::memory_order_relaxed);
  if (phase == Phase::kSending) {
    if (!sending_started_) start_sending(loop, now);
    if (interval_ns_ != 0) {
      next_wake_ns_ = UINT64_MAX;
      for (ClientConn* conn : senders_) {
        if (conn->state != ConnState::kJoined) continue;
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

void RoomWorkload::publish() {
  progress_.joined.store(joined_, std::memory_order_relaxed);
  progress_.failed.store(failed_, std::memory_order_relaxed);
  progress_.received_measured.store(totals_.received_measured, std::memory_order_relaxed);
  progress_.expected_measured.store(totals_.expected_measured, std::memory_order_relaxed);
}

void RoomWorkload::close_all(ClientLoop& loop) {
  for (auto& conn : conns_) {
    if (conn.fd >= 0) loop.drop(conn, ConnState::kIdle);
  }
}

}  // namespace whisper_bench
