// One bench thread's event loop: its own epoll, its own share of the connections,
// and one large read buffer shared by all of them (a read drains every frame the
// kernel holds for a connection; only a partial frame is copied aside).
//
// A connection goes connect -> HTTP upgrade with the session cookie -> join its
// room -> joined; what happens next is the Workload's business (the fanout, idle and
// connect modes). Outgoing frames are queued per connection and written with one
// write() per connection per loop turn.
//
// Thread safety: a ClientLoop and its connections belong to the thread that calls
// run_once(); no method may be called from another thread.
#pragma once

#include <netinet/in.h>

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "chat_frames.hpp"
#include "ws_codec.hpp"

namespace whisper_bench {

enum class ConnState { kIdle, kConnecting, kUpgrading, kJoining, kJoined, kClosing, kFailed };

struct ClientConn {
  int fd = -1;
  std::uint32_t id = 0;      // global connection index (travels in probes as c=)
  std::int64_t room = 0;     // the room this connection joins
  std::uint32_t server = 0;  // index into Target::servers
  ConnState state = ConnState::kIdle;
  ConnState ended_from = ConnState::kIdle;  // the state drop() found it in
  bool dirty = false;                       // queued in the loop's flush list
  bool want_write = false;                  // EPOLLOUT is registered
  std::uint32_t generation = 0;  // bumped on drop: stale callbacks stop touching the conn
  std::string inbox;             // a partial HTTP response or frame carried to the next read
  std::string outbox;            // frames not yet written
  std::string fragments;         // a fragmented message being reassembled (rare)
  // Workload state.
  bool sender = false;
  std::uint32_t in_flight = 0;
  std::uint64_t next_send_ns = 0;
  std::uint64_t started_ns = 0;
};

class ClientLoop;

// What a mode does with the connections. Called on the loop's thread.
class Workload {
 public:
  virtual ~Workload() = default;
  virtual void on_joined(ClientLoop& loop, ClientConn& conn, std::uint64_t now) = 0;
  virtual void on_probe(ClientLoop& loop, ClientConn& conn, const Classified& probe,
                        std::uint64_t now) = 0;
  // The connection is finished: clean is true after our close was answered.
  virtual void on_ended(ClientLoop& loop, ClientConn& conn, bool clean, std::uint64_t now) = 0;
  virtual void on_turn(ClientLoop& loop, std::uint64_t now) = 0;
  // When the workload next needs a turn without any event (open-loop sends).
  virtual std::uint64_t next_wake_ns() const { return UINT64_MAX; }
};

struct LoopCounters {
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

struct ServerAddress {
  sockaddr_in address{};
  int port = 0;
};

struct Target {
  std::vector<ServerAddress> servers;  // one, or several sharing rooms through Redis
  std::string upgrade_host;
  std::string path;
  int sources = 1;
};

class ClientLoop {
 public:
  ClientLoop(const Target& target, Workload& workload, std::uint64_t seed);
  ~ClientLoop();
  ClientLoop(const ClientLoop&) = delete;
  ClientLoop& operator=(const ClientLoop&) = delete;

  // Starts connect -> upgrade -> join for `conn` (its fd must be closed).
  bool open(ClientConn& conn, const std::string& cookie);
  // Queues one masked text frame; written at the end of this loop turn.
  void queue_text(ClientConn& conn, std::string_view payload);
  // Sends a close frame; the connection ends when the server answers or hangs up.
  void close_gracefully(ClientConn& conn);
  // Closes the socket now, without telling the workload.
  void drop(ClientConn& conn, ConnState state);

  // Waits for events (at most max_wait_ns, and not past the workload's next wake-up,
  // with nanosecond precision), handles them, flushes queued frames.
  void run_once(std::uint64_t max_wait_ns);

  const LoopCounters& counters() const { return counters_; }
  std::size_t server_count() const { return target_.servers.size(); }

 private:
  void on_event(ClientConn& conn, std::uint32_t events, std::uint64_t now);
  void on_writable(ClientConn& conn);
  void on_readable(ClientConn& conn);
  std::size_t handle_frames(ClientConn& conn, const char* data, std::size_t size,
                            std::uint64_t now);
  void handle_text(ClientConn& conn, std::string_view payload, std::uint64_t now);
  void fail(ClientConn& conn, std::uint64_t& counter, std::uint64_t now);
  void flush(ClientConn& conn);
  void set_write_interest(ClientConn& conn, bool want);

  Target target_;
  Workload& workload_;
  int epoll_fd_;
  MaskSource masks_;
  std::vector<char> read_buffer_;
  std::vector<ClientConn*> dirty_;
  std::vector<ClientConn*> flushing_;  // dirty_ of the turn being flushed
  std::string request_cookie_;
  LoopCounters counters_;
};

}  // namespace whisper_bench
