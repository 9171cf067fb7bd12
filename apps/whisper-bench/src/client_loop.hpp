// One bench thread's event loop: its own epoll, its own share of the connections,
// and one large read buffer shared by all of them (a read drains every frame the
// kernel holds for a connection; only a partial frame is copied aside).
//
// A connection goes connect -> HTTP upgrade with the session cookie -> join its
// room -> joined; what happens next is the workload's business (the fanout, idle and
// connect modes). Outgoing frames are queued per connection and written once per
// connection per loop turn.
//
// Two ways to do the I/O (io_mode): epoll alone, one read() per readable connection
// and one write() per connection with frames queued; or epoll for readiness and
// io_uring for the data, all the turn's reads in one kernel entry and all its writes
// in another (batch_receiver.hpp). Same decoder, same workload calls, same order of
// bytes per connection.
//
// Thread safety: a client_loop and its connections belong to the thread that calls
// run_once(); no method may be called from another thread.
#pragma once

#include <netinet/in.h>

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "batch_receiver.hpp"
#include "chat_frames.hpp"
#include "ws_codec.hpp"

namespace whisper_bench {

enum class conn_state { idle, connecting, upgrading, joining, joined, closing, failed };

struct client_conn {
  int fd = -1;
  std::uint32_t id = 0;      // global connection index (travels in probes as c=)
  std::int64_t room = 0;     // the room this connection joins
  std::uint32_t server = 0;  // index into target::servers
  conn_state state = conn_state::idle;
  conn_state ended_from = conn_state::idle;  // the state drop() found it in
  bool dirty = false;                        // queued in the loop's flush list
  bool want_write = false;                   // EPOLLOUT is registered
  std::uint32_t generation = 0;  // bumped on drop: stale callbacks stop touching the conn
  std::string inbox;             // a partial HTTP response or frame carried to the next read
  std::string outbox;            // frames not yet written
  std::string fragments;         // a fragmented message being reassembled (rare)
  // The workload's state.
  bool sender = false;
  std::uint32_t in_flight = 0;
  std::uint64_t next_send_ns = 0;
  std::uint64_t started_ns = 0;
};

class client_loop;

// What a mode does with the connections. Called on the loop's thread.
class workload {
 public:
  virtual ~workload() = default;
  virtual void on_joined(client_loop& loop, client_conn& conn, std::uint64_t now) = 0;
  virtual void on_probe(client_loop& loop, client_conn& conn, const classified& probe,
                        std::uint64_t now) = 0;
  // The connection is finished: clean is true after our close was answered.
  virtual void on_ended(client_loop& loop, client_conn& conn, bool clean, std::uint64_t now) = 0;
  virtual void on_turn(client_loop& loop, std::uint64_t now) = 0;
  // When the workload next needs a turn without any event (open-loop sends).
  virtual std::uint64_t next_wake_ns() const { return UINT64_MAX; }
};

struct loop_counters {
  std::uint64_t frames = 0;  // server frames of any kind
  std::uint64_t bytes = 0;   // bytes read
  std::uint64_t connect_failures = 0;
  std::uint64_t upgrade_failures = 0;  // status other than 101
  std::uint64_t join_failures = 0;
  std::uint64_t protocol_errors = 0;
  std::uint64_t remote_closes = 0;  // closed by the server while we did not ask
  std::map<std::string, std::uint64_t> error_codes;
  std::map<int, std::uint64_t> upgrade_statuses;  // failed upgrades by status
};

struct server_address {
  sockaddr_in address{};
  int port = 0;
};

struct target {
  std::vector<server_address> servers;  // one, or several sharing rooms through Redis
  std::string upgrade_host;
  std::string path;
  int sources = 1;
};

class client_loop {
 public:
  // With io_mode::uring and a ring that cannot be set up, the loop uses epoll alone
  // (io() says which; the caller chose with choose_io, so this is rare).
  client_loop(const target& target, workload& workload, std::uint64_t seed,
              io_mode io = io_mode::epoll);
  ~client_loop();
  client_loop(const client_loop&) = delete;
  client_loop& operator=(const client_loop&) = delete;

  // Starts connect -> upgrade -> join for `conn` (its fd must be closed).
  bool open(client_conn& conn, const std::string& cookie);
  // Queues one masked text frame; written at the end of this loop turn.
  void queue_text(client_conn& conn, std::string_view payload);
  // Sends a close frame; the connection ends when the server answers or hangs up.
  void close_gracefully(client_conn& conn);
  // Closes the socket now, without telling the workload.
  void drop(client_conn& conn, conn_state state);

  // Waits for events (at most max_wait_ns, and not past the workload's next wake-up,
  // with nanosecond precision), handles them, flushes queued frames.
  void run_once(std::uint64_t max_wait_ns);

  const loop_counters& counters() const { return counters_; }
  std::size_t server_count() const { return target_.servers.size(); }
  io_mode io() const { return receiver_ ? io_mode::uring : io_mode::epoll; }

 private:
  void on_event(client_conn& conn, std::uint32_t events, std::uint64_t now);
  void on_writable(client_conn& conn);
  void on_readable(client_conn& conn);
  // What one read brought (`got` bytes at data, 0: closed, <0: -errno); `data` may be
  // written to and must hold any carried bytes in front (epoll) or none (uring).
  void on_received(client_conn& conn, char* data, std::size_t carried, long got, std::uint64_t now);
  void receive_batch();
  void flush_batch(std::vector<client_conn*>& conns);
  std::size_t handle_frames(client_conn& conn, const char* data, std::size_t size,
                            std::uint64_t now);
  void handle_text(client_conn& conn, std::string_view payload, std::uint64_t now);
  void fail(client_conn& conn, std::uint64_t& counter, std::uint64_t now);
  void flush(client_conn& conn);
  void set_write_interest(client_conn& conn, bool want);

  target target_;
  workload& workload_;
  int epoll_fd_;
  mask_source masks_;
  std::vector<char> read_buffer_;
  std::unique_ptr<batch_receiver> receiver_;  // io_mode::uring only
  std::vector<recv_request> readable_;        // this turn's readable connections (uring)
  std::vector<client_conn*> readable_conns_;  // ... and the connection behind each request
  std::vector<std::uint32_t> readable_generation_;
  std::vector<client_conn*> batch_conns_;
  std::string carry_;  // a carried partial frame joined with new bytes (uring)
  std::vector<client_conn*> dirty_;
  std::vector<client_conn*> flushing_;  // dirty_ of the turn being flushed
  std::string request_cookie_;
  loop_counters counters_;
};

}  // namespace whisper_bench
