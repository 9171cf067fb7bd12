#include "client_loop.hpp"

#include <sys/epoll.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>

#include "clock.hpp"
#include "http_upgrade.hpp"
#include "sockets.hpp"

namespace whisper_bench {
namespace {

// Large enough to drain a socket's whole receive queue in one read() at loopback
// speed, and shared by every connection of the thread, so it costs nothing per conn.
constexpr std::size_t read_buffer_size = 1u << 20;
// Server frames are small; anything bigger is a bug worth stopping on. Keeping it
// well below the buffer size guarantees a carried partial frame always leaves room.
constexpr std::size_t max_server_payload = 256u << 10;
constexpr int max_events = 512;

}  // namespace

client_loop::client_loop(const target& target, workload& workload, std::uint64_t seed, io_mode io)
    : target_(target), workload_(workload), epoll_fd_(epoll_create1(EPOLL_CLOEXEC)), masks_(seed) {
  if (io == io_mode::uring) {
    receiver_ = std::make_unique<batch_receiver>();
    if (receiver_->error() != 0) {
      std::fprintf(stderr,
                   "whisper-bench: io_uring ring setup failed (%s); this thread uses epoll\n",
                   std::strerror(-receiver_->error()));
      receiver_.reset();
    }
  }
  // The batched path reads into the receiver's own area.
  if (!receiver_) read_buffer_.resize(read_buffer_size);
}

client_loop::~client_loop() {
  close(epoll_fd_);
}

bool client_loop::open(client_conn& conn, const std::string& cookie) {
  int source = target_.sources > 1 ? static_cast<int>(conn.id % target_.sources) : 0;
  const server_address& server = target_.servers[conn.server % target_.servers.size()];
  int fd = start_connect(server.address, source);
  if (fd < 0) {
    ++counters_.connect_failures;
    conn.state = conn_state::failed;
    return false;
  }
  conn.fd = fd;
  conn.state = conn_state::connecting;
  conn.inbox.clear();
  conn.fragments.clear();
  conn.outbox = build_upgrade_request(target_.upgrade_host, server.port, target_.path, cookie);
  conn.want_write = true;
  epoll_event event{};
  event.events = EPOLLIN | EPOLLOUT;
  event.data.ptr = &conn;
  epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, fd, &event);
  return true;
}

void client_loop::queue_text(client_conn& conn, std::string_view payload) {
  append_client_frame(conn.outbox, opcode::text, payload, masks_.next());
  if (!conn.dirty) {
    conn.dirty = true;
    dirty_.push_back(&conn);
  }
}

void client_loop::close_gracefully(client_conn& conn) {
  static constexpr char normal_closure[] = {'\x03', '\xE8'};  // status 1000
  append_client_frame(conn.outbox, opcode::close, std::string_view(normal_closure, 2),
                      masks_.next());
  conn.state = conn_state::closing;
  if (!conn.dirty) {
    conn.dirty = true;
    dirty_.push_back(&conn);
  }
}

void client_loop::drop(client_conn& conn, conn_state state) {
  if (conn.fd >= 0) close(conn.fd);  // close() also removes it from the epoll set
  conn.fd = -1;
  conn.ended_from = conn.state;
  conn.state = state;
  conn.want_write = false;
  conn.outbox.clear();
  conn.inbox.clear();
  ++conn.generation;
}

void client_loop::fail(client_conn& conn, std::uint64_t& counter, std::uint64_t now) {
  ++counter;
  drop(conn, conn_state::failed);
  workload_.on_ended(*this, conn, false, now);
}

void client_loop::run_once(std::uint64_t max_wait_ns) {
  epoll_event events[max_events];
  std::uint64_t wait_ns = max_wait_ns;
  const std::uint64_t wake = workload_.next_wake_ns();
  if (wake != UINT64_MAX) {
    const std::uint64_t before = now_ns();
    wait_ns = std::min(wait_ns, wake > before ? wake - before : 0);
  }
  // epoll_pwait2 takes a timespec: open-loop sends keep to their schedule far more
  // closely than epoll_wait's whole milliseconds allow.
  timespec timeout{static_cast<time_t>(wait_ns / ns_per_sec),
                   static_cast<long>(wait_ns % ns_per_sec)};
  int count = epoll_pwait2(epoll_fd_, events, max_events, &timeout, nullptr);
  std::uint64_t now = now_ns();
  for (int i = 0; i < count; ++i) {
    on_event(*static_cast<client_conn*>(events[i].data.ptr), events[i].events, now);
  }
  if (receiver_) receive_batch();
  workload_.on_turn(*this, now);
  // Flushing after the whole batch turns many queued frames into one write each. The list
  // is swapped out first: a connection marked dirty during a flush stays listed for the
  // next turn instead of being lost (both vectors keep their capacity).
  flushing_.swap(dirty_);
  batch_conns_.clear();
  for (client_conn* conn : flushing_) {
    conn->dirty = false;
    if (conn->fd < 0 || conn->state == conn_state::connecting) continue;
    if (receiver_ && !conn->outbox.empty()) {
      batch_conns_.push_back(conn);
    } else {
      flush(*conn);
    }
  }
  if (batch_conns_.size() == 1) flush(*batch_conns_.front());
  if (batch_conns_.size() > 1) flush_batch(batch_conns_);
  flushing_.clear();
}

void client_loop::receive_batch() {
  if (readable_.empty()) return;
  std::uint64_t arrived = 0;  // one clock read for the whole batch
  receiver_->receive(readable_, [&](std::uint64_t i, char* data, int result) {
    if (arrived == 0) arrived = now_ns();
    client_conn& conn = *readable_conns_[i];
    if (conn.generation != readable_generation_[i]) return;  // ended meanwhile
    if (conn.inbox.empty()) return on_received(conn, data, 0, result, arrived);
    // A partial frame was carried: join it with the new bytes so the decoder sees one run.
    const std::size_t carried = conn.inbox.size();
    carry_.assign(conn.inbox);
    if (result > 0) carry_.append(data, static_cast<std::size_t>(result));
    on_received(conn, carry_.data(), carried, result, arrived);
  });
  readable_.clear();
  readable_conns_.clear();
  readable_generation_.clear();
}

void client_loop::flush_batch(std::vector<client_conn*>& conns) {
  uring_batch& ring = receiver_->ring();
  auto on_sent = [&](std::uint64_t i, int result) {
    client_conn& conn = *conns[i];
    if (result > 0) conn.outbox.erase(0, static_cast<std::size_t>(result));
    // A full socket waits for EPOLLOUT; any other error is the read side's to see.
    if (result > 0 || result == -EAGAIN) set_write_interest(conn, !conn.outbox.empty());
  };
  for (std::size_t i = 0; i < conns.size(); ++i) {
    const client_conn& conn = *conns[i];
    if (ring.queue_send(conn.fd, conn.outbox.data(), conn.outbox.size(), i)) continue;
    ring.complete_all(on_sent);  // the queue is full: submit what it holds, then go on
    ring.queue_send(conn.fd, conn.outbox.data(), conn.outbox.size(), i);
  }
  ring.complete_all(on_sent);
}

void client_loop::on_event(client_conn& conn, std::uint32_t events, std::uint64_t now) {
  std::uint32_t generation = conn.generation;
  if (events & EPOLLOUT) {
    if (conn.state == conn_state::connecting) {
      if (connect_error(conn.fd) != 0) return fail(conn, counters_.connect_failures, now);
      conn.state = conn_state::upgrading;
    }
    on_writable(conn);
  }
  if (generation == conn.generation && (events & (EPOLLIN | EPOLLHUP | EPOLLERR))) {
    if (conn.state == conn_state::connecting) {
      return fail(conn, counters_.connect_failures, now);
    }
    if (!receiver_) return on_readable(conn);
    readable_.push_back({conn.fd, readable_.size()});
    readable_conns_.push_back(&conn);
    readable_generation_.push_back(conn.generation);
  }
}

void client_loop::on_writable(client_conn& conn) {
  flush(conn);
}

void client_loop::flush(client_conn& conn) {
  while (!conn.outbox.empty()) {
    ssize_t written = write(conn.fd, conn.outbox.data(), conn.outbox.size());
    if (written < 0) {
      if (errno == EINTR) continue;
      if (errno != EAGAIN) return;  // the read side will see the error and end it
      break;
    }
    conn.outbox.erase(0, static_cast<std::size_t>(written));
  }
  set_write_interest(conn, !conn.outbox.empty());
}

void client_loop::set_write_interest(client_conn& conn, bool want) {
  if (conn.want_write == want) return;
  conn.want_write = want;
  epoll_event event{};
  event.events = EPOLLIN | (want ? EPOLLOUT : 0u);
  event.data.ptr = &conn;
  epoll_ctl(epoll_fd_, EPOLL_CTL_MOD, conn.fd, &event);
}

void client_loop::on_readable(client_conn& conn) {
  char* buffer = read_buffer_.data();
  const std::size_t carried = conn.inbox.size();
  std::copy_n(conn.inbox.data(), carried, buffer);
  const ssize_t got = read(conn.fd, buffer + carried, read_buffer_.size() - carried);
  on_received(conn, buffer, carried, got < 0 ? -errno : got, now_ns());
}

void client_loop::on_received(client_conn& conn, char* buffer, std::size_t carried, long got,
                              std::uint64_t now) {
  if (got == -EAGAIN || got == -EINTR) return;
  if (got <= 0) {
    if (conn.state == conn_state::closing) {
      drop(conn, conn_state::idle);
      workload_.on_ended(*this, conn, true, now);
      return;
    }
    return fail(conn, counters_.remote_closes, now);
  }
  counters_.bytes += static_cast<std::uint64_t>(got);
  std::size_t size = carried + static_cast<std::size_t>(got);
  std::size_t used = 0;
  if (conn.state == conn_state::upgrading) {
    upgrade_response response = parse_upgrade_response(std::string_view(buffer, size));
    if (!response.complete) {
      conn.inbox.assign(buffer, size);
      return;
    }
    if (response.status != 101) {
      ++counters_.upgrade_statuses[response.status];
      return fail(conn, counters_.upgrade_failures, now);
    }
    used = response.header_size;
    conn.state = conn_state::joining;
    queue_text(conn, make_join_command(conn.room));
  }
  std::uint32_t generation = conn.generation;
  used += handle_frames(conn, buffer + used, size - used, now);
  if (generation == conn.generation) conn.inbox.assign(buffer + used, size - used);
}

std::size_t client_loop::handle_frames(client_conn& conn, const char* data, std::size_t size,
                                       std::uint64_t now) {
  const std::uint32_t generation = conn.generation;
  std::size_t used = 0;
  while (used < size) {
    decode_result result = decode_server_frame(data + used, size - used, max_server_payload);
    if (result.status == decode_status::need_more) break;
    if (result.status == decode_status::protocol_error) {
      fail(conn, counters_.protocol_errors, now);
      return 0;
    }
    used += result.consumed;
    ++counters_.frames;
    const server_frame& frame = result.frame;
    switch (frame.opcode) {
      case opcode::text:
      case opcode::continuation:
        if (frame.fin && conn.fragments.empty()) {
          handle_text(conn, frame.payload, now);
        } else {
          conn.fragments.append(frame.payload);
          if (frame.fin) {
            std::string whole;
            whole.swap(conn.fragments);
            handle_text(conn, whole, now);
          }
        }
        break;
      case opcode::ping:
        append_client_frame(conn.outbox, opcode::pong, frame.payload, masks_.next());
        if (!conn.dirty) {
          conn.dirty = true;
          dirty_.push_back(&conn);
        }
        break;
      case opcode::close:
        if (conn.state == conn_state::closing) {
          drop(conn, conn_state::idle);
          workload_.on_ended(*this, conn, true, now);
        } else {
          fail(conn, counters_.remote_closes, now);
        }
        return 0;
      default:
        break;  // binary and pong frames carry nothing the bench needs
    }
    if (generation != conn.generation) return 0;  // the workload ended or reopened it
  }
  return used;
}

void client_loop::handle_text(client_conn& conn, std::string_view payload, std::uint64_t now) {
  classified frame = classify_server_text(payload);
  switch (frame.kind) {
    case frame_kind::probe:
      workload_.on_probe(*this, conn, frame, now);
      break;
    case frame_kind::join_reply:
      if (conn.state == conn_state::joining && frame.room == conn.room) {
        conn.state = conn_state::joined;
        workload_.on_joined(*this, conn, now);
      }
      break;
    case frame_kind::error:
      ++counters_.error_codes[std::string(frame.error)];
      if (conn.state == conn_state::joining) fail(conn, counters_.join_failures, now);
      break;
    default:
      break;
  }
}

}  // namespace whisper_bench
