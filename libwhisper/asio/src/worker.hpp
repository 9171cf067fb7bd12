// One io thread of the server: its io_context, the registry of the connections that live
// on it, and a coarse clock swept a few times a second for every timeout of those
// connections (one timer per thread instead of one per connection: less memory, and no
// timer re-arming on every inbound frame).
#pragma once

#include <asio/executor_work_guard.hpp>
#include <asio/io_context.hpp>
#include <asio/steady_timer.hpp>
#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <optional>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "connection_counter.hpp"
#include "log_rate_limit.hpp"
#include "refused_origin_log.hpp"
#include "send_ring.hpp"
#include "whisper/asio/http.hpp"
#include "whisper/asio/server.hpp"
#include "whisper/user.hpp"

#ifdef WHISPER_HAVE_TLS
#include <asio/ssl/context.hpp>
#endif

namespace whisper::net {

using steady_time = std::chrono::steady_clock::time_point;

/// A connection's place in the per-IP and per-user counts (released when it ends).
using ip_slot = connection_counter<std::string>::slot;
using user_slot = connection_counter<whisper::user_id>::slot;

/// What every connection of the server shares (read-only after listen(), but stats).
struct server_context {
  server_context(server_options server_options_, whisper::chat_hub& hub_,
                 whisper::authenticator auth, http_handler handler)
      : options(std::move(server_options_)),
        hub(hub_),
        authenticate(std::move(auth)),
        http(std::move(handler)) {}

  server_options options;
  whisper::chat_hub& hub;
  whisper::authenticator authenticate;
  http_handler http;
  server_stats stats;
  std::atomic<std::size_t> live_connections{0};  // across all workers; stop() waits for 0
  std::atomic<bool> stopping{false};
  log_rate_limit refusal_log;  // "http refused" lines, per status
  // Open connections per remote address (all) and per user (WebSockets): accept, upgrade
  // and close only. Shared pointers: a connection's slot may outlive the server.
  std::shared_ptr<connection_counter<std::string>> per_ip =
      std::make_shared<connection_counter<std::string>>();
  std::shared_ptr<connection_counter<whisper::user_id>> per_user =
      std::make_shared<connection_counter<whisper::user_id>>();
  refused_origin_log refused_origins;  // which refused Origins the log explained already
#ifdef WHISPER_HAVE_TLS
  // Set by listen() when a certificate is configured, replaced by reload_tls(): read and
  // written with std::atomic_load/atomic_store. A connection's SSL object keeps its own
  // reference to the OpenSSL context it was made from, so a replaced one may go.
  std::shared_ptr<asio::ssl::context> tls;
#endif
};

/// A connection as its worker sees it (HTTP, then WebSocket).
///
/// Thread safety: every member is called on the worker's io thread only.
class tracked_connection {
 public:
  virtual ~tracked_connection() = default;
  /// The coarse clock advanced: enforce timeouts.
  virtual void tick(steady_time now) = 0;
  /// The server is stopping: close (WebSocket: 1001 to the peer).
  virtual void shutdown() = 0;
  /// The io threads are gone: end now, without I/O beyond closing the socket.
  virtual void abort() = 0;
};

/// Something with queued output that the worker writes out once per loop turn (and,
/// being a batched_sender, hears how its batched write went: one vtable for both).
///
/// Thread safety: called on the worker's io thread only.
class queued_writer : public batched_sender {
 public:
  virtual ~queued_writer() = default;
  /// Writes now, with system calls of its own (the epoll backend).
  virtual void flush_queued() = 0;
  /// Adds its next write to the turn's batch (the io_uring backend); the worker submits
  /// the batch once every writer of the turn is in.
  virtual void flush_batched(send_ring& ring) = 0;
};

/// One io thread's context and connections.
///
/// Thread safety: io(), context() and stop() from any thread; everything else on the io thread
/// (or, for abort_all(), after the io thread has ended).
class worker {
 public:
  /// A worker on its own io_context (run by server::run()).
  explicit worker(server_context& context);
  /// A worker on the embedder's io_context, which must outlive it; stop() then only
  /// ends the worker's own timers, never the embedder's loop.
  worker(server_context& context, asio::io_context& embedder_io);
  ~worker();
  worker(const worker&) = delete;
  worker& operator=(const worker&) = delete;

  asio::io_context& io() { return *io_; }
  /// Shared so a deferred HTTP responder can post safely even after the server is gone.
  const std::shared_ptr<asio::io_context>& io_ptr() const { return io_; }
  server_context& context() { return context_; }
  /// The coarse clock (advanced by the sweep, at most a sweep interval old).
  steady_time now() const { return now_; }

  void add(std::shared_ptr<tracked_connection> s);
  void remove(tracked_connection* s);
  /// Starts the periodic sweep (call once, before run()).
  void start_sweep();
  void shutdown_all();
  void abort_all();
  /// Ends run(): stops an own io_context; on the embedder's, cancels the sweep. Any
  /// thread for an own io_context, its io thread otherwise.
  void stop();

  /// Asks for `writer` to be flushed on this worker's thread. Every writer asked for
  /// during one loop turn is flushed by one posted handler: a broadcast to N local
  /// connections costs one post, not N (each a malloc, the scheduler's lock and a
  /// wake-up). Any thread; a writer asked for twice before the flush runs is flushed
  /// twice, which is harmless (the second finds nothing queued).
  void schedule_flush(std::shared_ptr<queued_writer> writer);

  /// The thread's shared receive buffer, read_buffer_size() bytes: connections read into
  /// it and parse at once, so an idle connection holds no read buffer of its own.
  char* read_buffer();
  std::size_t read_buffer_size() const { return context_.options.transport.read_buffer_bytes; }

 private:
  void sweep();
  void flush_scheduled();
  /// The thread's ring (io_uring backend), made on first use on the io thread; nullptr
  /// on the epoll backend, or when the ring could not be made (logged once).
  send_ring* batch_ring();
  void flush_inbox();

  server_context& context_;
  std::shared_ptr<asio::io_context> io_;
  // Keeps an own io_context running while idle; none on the embedder's.
  std::optional<asio::executor_work_guard<asio::io_context::executor_type>> guard_;
  asio::steady_timer sweep_timer_;
  steady_time now_;
  std::unordered_map<tracked_connection*, std::shared_ptr<tracked_connection>> connections_;

  // Writers to flush, asked for on the io thread (no lock) and from other threads
  // (inbox_, under inbox_mutex_), each list with at most one flush posted at a time.
  // Declared after io_: they may hold the last reference to a connection whose socket
  // belongs to io_, so they must go first.
  std::unique_ptr<send_ring> ring_;
  bool ring_failed_ = false;
  std::vector<std::shared_ptr<queued_writer>> scheduled_;
  std::vector<std::shared_ptr<queued_writer>> flushing_;  // scratch, kept for its capacity
  bool flush_posted_ = false;
  steady_time turn_started_{};  // the first writer of the turn asked (server_stats::write_turns)
  std::mutex inbox_mutex_;
  std::vector<std::shared_ptr<queued_writer>> inbox_;
  bool inbox_posted_ = false;
  steady_time inbox_started_{};  // under inbox_mutex_
};

}  // namespace whisper::net
