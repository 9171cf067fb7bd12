// One WebSocket connection after the 101, without I/O (sans-IO): bytes in -> events out,
// queued frames -> write batches out, account(bytes_written) after each write. No
// socket and no Asio here: ws_connection is the I/O shell that drives it, and tests
// drive it from an in-memory stream with short reads, short writes and failures.
//
// Exactly one writer: every frame (the 101, data, pongs, pings, the close) goes through
// the one ordered, bounded outbound_queue, and nothing follows a close frame.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "frame_parser.hpp"
#include "gather_list.hpp"
#include "opcode.hpp"
#include "outbound_queue.hpp"
#include "whisper/connection.hpp"

namespace whisper::net {

/// The RFC 6455 state of one server-side connection.
///
/// Thread safety: queue_text(), queue_close(), close_queued() and close_code() may be
/// called from any thread (they only queue); everything else from the connection's one
/// thread.
class websocket_protocol {
 public:
  using push_result = outbound_queue::push_result;

  websocket_protocol(std::size_t max_message_bytes, std::size_t queue_bytes,
                     std::size_t queue_frames);

  // --- inbound (the connection's thread) ---

  /// The next complete event parsed from the front of `bytes` (see frame_parser), or
  /// nullopt when `bytes` is used up.
  std::optional<frame_event> next_event(std::string_view& bytes) { return parser_.next(bytes); }

  /// What the peer's close frame asks of the connection.
  enum class peer_close {
    echoed,         ///< our echo is queued: flush (the connection ends once it is written)
    echoed_behind,  ///< our echo is queued behind other frames: a flush is scheduled
    finish,         ///< both closes are through: end the connection now
    wait,           ///< our close is queued but not written yet: end after it is
  };
  /// Records the peer's close (`code` as parsed, ws_close::no_status when it sent none).
  peer_close on_peer_close(int code);

  // --- outbound (queue_* from any thread) ---

  /// A text frame behind every frame queued before it, within the queue's bounds.
  push_result queue_text(payload_ptr payload) {
    return queue_.push(std::move(payload), opcode::text);
  }
  /// The answer to a ping, within the bounds: a client that pings and never reads is a
  /// slow reader like one that never reads its chat.
  push_result queue_pong(std::string payload);
  /// A ping (the idle check), past the bounds.
  push_result queue_ping();
  /// Bytes written before every frame, without a header (the 101 answer).
  push_result queue_raw(std::string bytes);
  /// The close frame, behind every frame queued so far; then the queue refuses more.
  /// Idempotent: false when a close was queued already. `flush` says whether the
  /// caller must schedule a write.
  bool queue_close(int code, std::string_view reason, bool& flush);
  /// The same with a payload given as is (the echo of a peer's close, or none).
  bool queue_close_payload(std::string payload, int code, bool& flush);

  bool close_queued() const { return close_queued_.load(); }
  /// The code of the closing handshake (ours, or the peer's we echoed).
  int close_code() const { return close_code_.load(); }
  bool close_written() const { return close_written_; }
  bool close_received() const { return close_received_; }

  // --- writing (the connection's thread) ---

  /// Fills `out` with the next bytes to write: the frames being written, else the ones
  /// queued since. Payloads up to `copy_threshold` bytes are copied beside their header,
  /// larger ones referenced in place. False when there is nothing to write.
  bool next_write(gather_list& out, std::size_t copy_threshold);
  /// The same as one coalesced buffer (TLS: SSL_write takes no iovecs). False when
  /// there is nothing to write.
  bool next_write(std::string& out);
  /// `bytes` of the last batch reached the peer (all of it or a part): whole frames
  /// leave the queue's bound, a partial one resumes at the right byte next time.
  void account(std::size_t bytes);
  /// Whether frames taken for writing are still not (fully) written: the last write
  /// had no room for them all.
  bool write_pending() const { return pending_index_ < pending_.size(); }
  /// Drops what is left to write (the connection ends, or the close frame is out).
  void drop_pending();
  /// Refuses further frames (the connection ended).
  void shut() { queue_.close(); }
  /// When everything queued is written: frees the writer's batch and the queue's storage,
  /// which a burst grew (kept while busy, so the hot path does not allocate per batch).
  /// Returns the bytes of capacity it gave back (0 when busy or nothing was held).
  std::size_t release_idle_storage();

 private:
  bool take_queued();

  frame_parser parser_;
  outbound_queue queue_;
  // Frames taken from the queue, the first not yet fully written at pending_index_, of
  // which written_ bytes (header included) are out. Headers are not stored: they are a
  // pure function of kind and size, recomputed when the frame is written.
  std::vector<outbound_queue::item> pending_;
  std::size_t pending_index_ = 0;
  std::size_t written_ = 0;
  bool close_taken_ = false;  // a close frame left the queue: drop whatever follows it
  std::atomic<bool> close_queued_{false};
  std::atomic<int> close_code_{0};
  bool close_written_ = false;   // our close frame is on the wire
  bool close_received_ = false;  // the peer's close frame arrived
};

}  // namespace whisper::net
