// One WebSocket client after the 101: whisper::connection for the core, and the I/O shell
// around its sans-IO websocket_protocol (RFC 6455 framing, the one ordered, bounded queue
// every frame, pong and the close go through): reads into the thread's shared buffer,
// writes in gathered sendmsg calls or, on the io_uring backend, in the io thread's batch
// (TLS: one coalesced write), one writer per connection.
#pragma once

#include <asio/ip/tcp.hpp>
#include <atomic>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "connection_socket.hpp"
#include "websocket_protocol.hpp"
#include "whisper/connection.hpp"
#include "whisper/consumer.hpp"
#include "whisper/rate_limiter.hpp"
#include "whisper/user.hpp"
#include "worker.hpp"

namespace whisper::net {

/// A WebSocket connection living on one worker thread.
///
/// Thread safety: queue() and close() from any thread (they only queue and post);
/// everything else runs on the worker's io thread.
class ws_connection final : public whisper::connection,
                            public tracked_connection,
                            public queued_writer,
                            public std::enable_shared_from_this<ws_connection> {
 public:
  ws_connection(worker& owner, connection_socket socket, whisper::user who,
                std::string remote_address, ip_slot address_slot, user_slot user_count);
  ~ws_connection() override;

  /// Queues the 101 answer (first, through the one writer), hands the connection to the
  /// hub, then parses `early_bytes` (frames sent right behind the upgrade request).
  /// `login_session`: the tag of the login session that authenticated the upgrade
  /// (auth_result::session), handed to the hub so a logout closes this connection.
  void start(std::string_view handshake_response, std::string_view early_bytes,
             std::string login_session);

  // whisper::connection
  whisper::queue_result queue(whisper::payload_ptr frame) override;
  void close(int code, std::string_view reason) override;

  // tracked_connection
  void tick(steady_time now) override;
  void shutdown() override;
  void abort() override;

  // queued_writer
  void flush_queued() override { flush(); }
  void flush_batched(send_ring& ring) override;

  void sent(int result, std::size_t attempted) override;

 private:
  void wait_readable();
  void on_readable(const asio::error_code& ec);
  bool want_input() const;  // wait for more input after this read?
  void on_tls_read(const asio::error_code& ec, std::size_t n);
  bool write_tls();
  void handle_bytes(std::string_view bytes);
  void handle_event(frame_event& event);
  bool accept_control_frame();
  void answer_ping(std::string payload);
  void close_frame_written();
  void request_flush();
  void flush();
  bool write_some();
  void wait_writable();
  void finish(int code);
  /// For the log: the consumer's username (fixed at connect), else the one held until then.
  std::string_view username() const;

  worker& owner_;
  connection_socket socket_;
  // Held only until the hub has made the consumer, which keeps the user from then on (an
  // idle connection does not carry a second copy); kept when the hub refused it.
  std::unique_ptr<whisper::user> user_;
  std::string remote_;
  ip_slot address_slot_;  // counted in the per-IP and per-user limits until finish()
  user_slot user_slot_;
  std::shared_ptr<whisper::consumer> consumer_;
  websocket_protocol protocol_;
  // Pings and pongs the client sends; made at the first one (most clients never send
  // any, and a fresh bucket is as full as one made at connect would be by then).
  std::unique_ptr<whisper::rate_limiter> control_limit_;

  bool waiting_writable_ = false;  // plain: waiting for POLLOUT; TLS: a write in flight
  bool in_batch_ = false;          // a write of ours is in the turn's send_ring
  std::atomic<bool> slow_counted_{false};
  bool finished_ = false;
  bool ping_outstanding_ = false;
  steady_time ping_sent_{};
  steady_time last_inbound_{};
  steady_time close_deadline_ = steady_time::max();
};

}  // namespace whisper::net
