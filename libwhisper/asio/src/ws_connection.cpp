// A ws_connection's life and its read side: the upgrade hand-over, inbound frames to the
// consumer, control frames, timeouts, the end. The writer is in ws_connection_write.cpp.
#include "ws_connection.hpp"

#include <spdlog/spdlog.h>

#include <cstdint>

#include "opcode.hpp"
#include "whisper/chat_hub.hpp"
#include "whisper/errors.hpp"

namespace whisper::net {

// An idle WebSocket costs the server mostly this object (W3 in docs/benchmarks.md: the
// target is 1 KiB per idle joined connection, all of it counted): every byte added here is
// paid once per open connection. State that most connections never use goes out of line
// (control_limit_, the frame parser's buffer), and the user stays with the consumer. Raise
// the bound knowingly.
// (64-bit libstdc++; other libraries lay the members out differently.)
#if defined(__GLIBCXX__) && UINTPTR_MAX == UINT64_MAX
static_assert(sizeof(ws_connection) <= 464, "an idle connection grew: see the comment above");
#endif

ws_connection::ws_connection(worker& owner, connection_socket socket, whisper::user who,
                             std::string remote_address, ip_slot address_slot, user_slot user_count)
    : owner_(owner),
      socket_(std::move(socket)),
      user_(std::make_unique<whisper::user>(std::move(who))),
      remote_(std::move(remote_address)),
      address_slot_(std::move(address_slot)),
      user_slot_(std::move(user_count)),
      protocol_(owner.context().options.limits.max_frame_bytes,
                owner.context().options.limits.outbound_queue_bytes,
                owner.context().options.limits.outbound_queue_frames) {}

ws_connection::~ws_connection() = default;

std::string_view ws_connection::username() const {
  if (consumer_) return consumer_->username();
  return user_ ? std::string_view(user_->username) : std::string_view();
}

void ws_connection::start(std::string_view handshake_response, std::string_view early_bytes,
                          std::string login_session) {
  owner_.add(shared_from_this());
  server_context& ctx = owner_.context();
  // TCP_NODELAY came with the accepted socket (set on the listener), and a plain socket
  // is non-blocking already: http_connection set it, and the mode moved with the socket.
  last_inbound_ = owner_.now();
  ctx.stats.open_websockets.fetch_add(1, std::memory_order_relaxed);
  spdlog::info("websocket open user={} remote={}", username(), remote_);

  // The 101 goes through the one writer, so no frame can overtake it.
  protocol_.queue_raw(std::string(handshake_response));
  flush();
  if (finished_) return;
  try {
    consumer_ = ctx.hub.connect(shared_from_this(), *user_, std::move(login_session));
    user_.reset();  // the consumer has it now
  } catch (const std::exception& e) {
    spdlog::error("websocket user={} remote={}: the hub refused the connection: {}", username(),
                  remote_, e.what());
    close(1011, "internal error");
  }
  if (!early_bytes.empty()) handle_bytes(early_bytes);
  if (!finished_) wait_readable();
}

whisper::queue_result ws_connection::queue(whisper::payload_ptr frame) {
  switch (protocol_.queue_text(std::move(frame))) {
    case outbound_queue::push_result::queued_first:
      request_flush();
      return whisper::queue_result::queued;
    case outbound_queue::push_result::queued:
      return whisper::queue_result::queued;
    case outbound_queue::push_result::full:
      if (!slow_counted_.exchange(true)) {
        owner_.context().stats.closed_slow.fetch_add(1, std::memory_order_relaxed);
      }
      return whisper::queue_result::overflow;
    case outbound_queue::push_result::closed:
      break;
  }
  return whisper::queue_result::closed;
}

void ws_connection::close(int code, std::string_view reason) {
  // The close deadline is armed by the next tick on the io thread.
  bool flush = false;
  protocol_.queue_close(code, reason, flush);
  if (flush) request_flush();
}

bool ws_connection::accept_control_frame() {
  if (!control_limit_) {
    // The command limits, applied to control frames in a bucket of their own.
    control_limit_ =
        std::make_unique<whisper::rate_limiter>(owner_.context().options.limits, owner_.now());
  }
  switch (control_limit_->take(owner_.now())) {
    case whisper::rate_limiter::verdict::accept:
      return true;
    case whisper::rate_limiter::verdict::refuse:
      return false;
    case whisper::rate_limiter::verdict::close:
      spdlog::info("websocket user={} remote={}: pings over the rate limit, closing (1008)",
                   username(), remote_);
      close(whisper::close_code::policy_violation, "rate limit");
      return false;
  }
  return false;
}

void ws_connection::answer_ping(std::string payload) {
  // Every accepted ping is answered (RFC 6455 §5.5.2), through the bounded queue like
  // any frame: a client that pings and never reads fills it and is dropped as a slow
  // reader, exactly as one that never reads its chat. (Answering only the latest ping,
  // which §5.5.3 allows, would need a slot beside the queue and its ordering; the rate
  // limit already keeps pongs few.)
  switch (protocol_.queue_pong(std::move(payload))) {
    case outbound_queue::push_result::queued_first:
      request_flush();
      return;
    case outbound_queue::push_result::full:
      if (!slow_counted_.exchange(true)) {
        owner_.context().stats.closed_slow.fetch_add(1, std::memory_order_relaxed);
      }
      close(whisper::close_code::try_again_later, "client too slow");
      return;
    case outbound_queue::push_result::queued:
    case outbound_queue::push_result::closed:
      return;
  }
}

void ws_connection::request_flush() {
  // Safe from any thread: whoever calls queue() or close() holds a reference to us.
  owner_.schedule_flush(shared_from_this());
}

void ws_connection::wait_readable() {
  socket_.async_wait_input(shared_from_this(), &ws_connection::on_readable,
                           &ws_connection::on_tls_read);
}

void ws_connection::on_readable(const asio::error_code& ec) {
  if (finished_ || ec == asio::error::operation_aborted) return;
  if (ec) return finish(1006);
  char* buffer = owner_.read_buffer();
  const std::size_t size = owner_.read_buffer_size();
  const int rounds = owner_.context().options.transport.read_rounds;
  for (int round = 0; round < rounds && !finished_; ++round) {
    asio::error_code read_ec;
    const std::size_t n = socket_.tcp().read_some(asio::buffer(buffer, size), read_ec);
    if (read_ec == asio::error::would_block || read_ec == asio::error::try_again) break;
    if (read_ec) return finish(protocol_.close_written() ? protocol_.close_code() : 1006);
    handle_bytes(std::string_view(buffer, n));
    if (n < size) break;
  }
  if (want_input()) wait_readable();
}

bool ws_connection::want_input() const {
  // After the peer's close frame nothing more may come (RFC 6455 §5.5.1): only our
  // echo is left to write, and its write closes the socket. Not waiting saves a re-arm
  // of the socket in the reactor per closing connection; a peer that never reads the
  // echo is dropped at the close deadline (tick).
  return !finished_ && !protocol_.close_received();
}

void ws_connection::on_tls_read(const asio::error_code& ec, std::size_t n) {
  if (finished_ || ec == asio::error::operation_aborted) return;
  // EOF, reset, TLS error
  if (ec) return finish(protocol_.close_written() ? protocol_.close_code() : 1006);
#ifdef WHISPER_HAVE_TLS
  handle_bytes(std::string_view(socket_.tls()->read_buffer.data(), n));
#else
  (void)n;
#endif
  if (want_input()) wait_readable();
}

void ws_connection::handle_bytes(std::string_view bytes) {
  last_inbound_ = owner_.now();
  ping_outstanding_ = false;
  while (!finished_) {
    auto event = protocol_.next_event(bytes);
    if (!event) break;
    handle_event(*event);
  }
}

void ws_connection::handle_event(frame_event& event) {
  switch (event.kind) {
    case frame_event::type::text:
      // After our close, the peer's late messages are discarded (RFC 6455 §5.5.1).
      if (protocol_.close_queued() || !consumer_) return;
      try {
        consumer_->on_text(event.payload);
      } catch (const std::exception& e) {
        spdlog::error("websocket user={} remote={}: command failed: {}", username(), remote_,
                      e.what());
        close(1011, "internal error");
      }
      return;
    case frame_event::type::ping:
      // A ping over the rate limit goes unanswered (and may close the connection).
      if (!protocol_.close_queued() && accept_control_frame()) {
        answer_ping(std::move(event.payload));
      }
      return;
    case frame_event::type::pong:
      if (!protocol_.close_queued()) accept_control_frame();  // unsolicited pongs cost too
      return;
    case frame_event::type::close:
      switch (protocol_.on_peer_close(event.code)) {
        case websocket_protocol::peer_close::echoed:
          return request_flush();
        case websocket_protocol::peer_close::finish:
          return finish(protocol_.close_code());
        case websocket_protocol::peer_close::echoed_behind:
        case websocket_protocol::peer_close::wait:
          return;
      }
      return;
    case frame_event::type::fail: {
      auto& stats = owner_.context().stats;
      auto& counter =
          event.code == ws_close::message_too_big ? stats.closed_too_big : stats.closed_protocol;
      counter.fetch_add(1, std::memory_order_relaxed);
      spdlog::info("websocket user={} remote={}: {} (closing with {})", username(), remote_,
                   event.payload, event.code);
      close(event.code, event.payload);
      return;
    }
  }
}

void ws_connection::tick(steady_time now) {
  if (finished_) return;
  const auto& limits = owner_.context().options.limits;
  if (protocol_.close_queued()) {
    // A closing handshake gets as long as an opening one, then the socket is dropped.
    if (close_deadline_ == steady_time::max()) close_deadline_ = now + limits.handshake_timeout;
    if (now >= close_deadline_) finish(protocol_.close_code());
    return;
  }
  // Between bursts an idle connection keeps no frame storage (a few times a second: the
  // hot path still reuses it within a burst).
  if (!waiting_writable_) protocol_.release_idle_storage();
  if (limits.idle_timeout.count() <= 0) return;
  if (!ping_outstanding_) {
    if (now - last_inbound_ >= limits.idle_timeout) {
      ping_outstanding_ = true;
      ping_sent_ = now;
      if (protocol_.queue_ping() == outbound_queue::push_result::queued_first) request_flush();
    }
  } else if (now - ping_sent_ >= limits.idle_timeout) {
    spdlog::info("websocket user={} remote={}: no answer to ping, dropping", username(), remote_);
    finish(1006);
  }
}

void ws_connection::shutdown() {
  close(whisper::close_code::going_away, "server shutting down");
}

void ws_connection::abort() {
  finish(1006);
}

void ws_connection::finish(int code) {
  if (finished_) return;
  finished_ = true;
  auto self = shared_from_this();  // the registry may hold the last reference
  protocol_.shut();
  asio::error_code ec;
  socket_.tcp().close(ec);
  protocol_.drop_pending();
  address_slot_.release();
  user_slot_.release();
  server_context& ctx = owner_.context();
  ctx.stats.open_websockets.fetch_sub(1, std::memory_order_relaxed);
  spdlog::info("websocket closed user={} remote={} code={}", username(), remote_, code);
  if (auto consumer = std::move(consumer_)) {
    try {
      consumer->on_close();
    } catch (const std::exception& e) {
      spdlog::error("websocket user={} remote={}: on_close failed: {}", consumer->username(),
                    remote_, e.what());
    }
  }
  owner_.remove(this);
}

}  // namespace whisper::net
