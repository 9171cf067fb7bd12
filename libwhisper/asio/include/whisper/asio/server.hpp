// The HTTP/1.1 + WebSocket server of libwhisper's Asio component (whisper::asio; link
// whisper::asio, include whisper/asio/*.hpp): serves a whisper::chat_hub to WebSocket
// clients and hands every other HTTP request to the embedder's handler.
//
// Threading (for docs/architecture.md): one io_context per io thread, and ONE acceptor
// (on the first io_context) that accepts each new socket directly onto the next
// io_context round-robin (asio's async_accept(other_io_context, ...)). Every connection
// then lives its whole life on that one thread, so its own I/O needs no strand or lock.
// Why not one SO_REUSEPORT acceptor per thread: with SO_REUSEPORT a second server
// started by mistake on the same port would silently share the port instead of failing
// with "already in use", and the kernel's hash spreads a few connections unevenly;
// accepts are rare next to chat frames, so the one extra cross-thread hop is cheap.
// On the embedder's io_context (the second constructor) there is one such thread: the
// embedder's, and the server adds no thread of its own.
//
// After the 101 the socket is ours: websocketpp is used only as a library (its HTTP
// request parser and the Sec-WebSocket-Accept hash), and RFC 6455 framing is done by
// the component's sans-IO frame code with exactly one writer per connection (one ordered,
// bounded queue carries data frames, pongs and the close frame).
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "whisper/asio/http.hpp"
#include "whisper/asio/io_backend.hpp"
#include "whisper/asio/latency_histogram.hpp"
#include "whisper/asio/tls_options.hpp"
#include "whisper/asio/transport_limits.hpp"
#include "whisper/asio/trusted_proxies.hpp"
#include "whisper/auth.hpp"
#include "whisper/chat_hub.hpp"
#include "whisper/limits.hpp"

namespace asio {
class io_context;
}  // namespace asio

namespace whisper::net {

/// How and where the server listens. Plain value type.
///
/// Thread safety: distinct objects safe; a shared object is safe for concurrent reads.
struct server_options {
  std::string address = "127.0.0.1";
  std::uint16_t port = 8000;  // 0: pick a free port (tests)
  unsigned threads = 0;       // 0: std::thread::hardware_concurrency()
  std::string websocket_path = "/chat/stream/";
  std::vector<std::string> allowed_hosts;  // Origin check; empty: the request's Host
  /// Peers whose X-Forwarded-For / Forwarded is believed (limits and logs then use the
  /// client they name); empty: nobody's.
  trusted_proxy_list trusted_proxies;
  whisper::limits limits;  // max_frame_bytes, outbound_queue_*, handshake_timeout, idle_timeout
  std::size_t max_request_bytes = std::size_t{64} * 1024;  // HTTP head + body
  // limits.max_connections_per_ip / max_connections_per_user bound open connections.
  /// Open WebSockets in the whole server; further upgrades get 503 + Retry-After. 0: none.
  std::size_t max_connections = 0;
  /// Certificate and key: both set = HTTPS and WSS only on this port (needs
  /// tls_supported()); both empty = plain HTTP.
  tls_options tls;
  /// Buffer sizes and per-turn budgets of the transport itself.
  transport_limits transport;
  /// How WebSocket writes reach the kernel: batched through io_uring, or one sendmsg
  /// per connection (see io_backend.hpp). The constructor settles `automatic`.
  io_backend backend = io_backend::automatic;
};

/// Counters of the transport.
///
/// Thread safety: updated with relaxed atomics from the io threads; read at any time
/// from any thread (metrics).
struct server_stats {
  std::atomic<std::uint64_t> http_requests{0},  // HTTP requests answered
      upgrades{0},                              // WebSocket upgrades accepted
      refused_auth{0},                          // upgrades the authenticator refused
      refused_origin{0},                        // upgrades from an Origin not allowed
      refused_other{0},         // upgrades malformed, of another version, or failing
      open_websockets{0},       // WebSockets from the 101 to the socket's close (a gauge)
      closed_too_big{0},        // closed 1009: a frame or message over max_frame_bytes
      closed_protocol{0},       // closed 1002/1003/1007: the peer broke RFC 6455
      closed_slow{0},           // the outbound queue overflowed (chat frames or pongs)
      refused_ip_limit{0},      // connections closed at accept: max_connections_per_ip
      refused_user_limit{0},    // upgrades answered 429: max_connections_per_user
      refused_server_full{0},   // upgrades answered 503: max_connections
      tls_handshake_failed{0},  // TLS handshakes that failed or timed out
      batched_sends{0},         // WebSocket writes handed to the kernel through io_uring
      batch_submissions{0};     // io_uring submissions carrying them (sends per kernel entry)
  /// Per loop turn of an io thread that wrote: from the first frame queued for the turn
  /// to its last write handed to the kernel. For a broadcast this is the fan-out itself,
  /// from the sender's message to the last member's bytes on their way.
  latency_histogram write_turns;
};

/// listen() could not bind; the message names the address and the cause (the caller
/// adds how its address is configured). Thread safety: an exception value.
class bind_error : public std::runtime_error {
 public:
  using runtime_error::runtime_error;
};

/// listen() could not set up TLS (unreadable or invalid certificate or key, or TLS
/// asked of a build without it); the message is one sentence naming the file.
/// Thread safety: an exception value.
class tls_error : public std::runtime_error {
 public:
  using runtime_error::runtime_error;
};

/// The constructor was asked for io_backend::io_uring where it cannot run; the message
/// says why and names the fallback. Thread safety: an exception value.
class backend_error : public std::runtime_error {
 public:
  using runtime_error::runtime_error;
};

/// The HTTP + WebSocket server.
///
/// Thread safety: construct, listen() and port() from one thread before run(); run()
/// blocks the calling thread (it is one of the io threads). stop() and stats() may be
/// called from any thread at any time, also from handlers. On the embedder's
/// io_context: construct, listen(), start() and stop() on the thread running it.
class server {
 public:
  /// A server on its own io threads (options.threads of them): call run(). Throws
  /// std::invalid_argument (transport limits), backend_error.
  server(server_options options, whisper::chat_hub& hub, whisper::authenticator authenticate,
         http_handler http);
  /// A server on the embedder's io_context (options.threads is ignored): call listen()
  /// and start(), then run `io` as usual; stop() closes every connection and cancels
  /// the server's timers, and `io` runs out of the server's work once they are gone.
  /// `io` must outlive the server, and be run by one thread.
  server(server_options options, whisper::chat_hub& hub, whisper::authenticator authenticate,
         http_handler http, asio::io_context& io);
  ~server();
  server(const server&) = delete;
  server& operator=(const server&) = delete;

  /// Loads the TLS certificate (if configured), then binds; throws tls_error, bind_error.
  void listen();
  /// Loads the certificate and key files again (a renewed certificate) for the
  /// connections accepted from now on; open ones keep theirs. Returns false without TLS.
  /// Thread-safe. Throws tls_error (the current certificate stays in use).
  bool reload_tls();
  /// The bound port (after listen()).
  std::uint16_t port() const;
  /// Runs the io threads; blocks until stop() finished. (Not with the embedder's
  /// io_context: call start() instead.)
  void run();
  /// With the embedder's io_context: starts the server's timeouts (call after listen()).
  void start();
  /// Thread-safe, idempotent: stop accepting, close 1001 to every websocket, wait for
  /// them up to grace, then end run().
  void stop(std::chrono::milliseconds grace = std::chrono::seconds(5));
  const server_stats& stats() const;
  /// The backend in use: io_uring or epoll, never automatic.
  io_backend backend() const;

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

}  // namespace whisper::net
