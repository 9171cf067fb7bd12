// The sans-IO WebSocket connection: the close handshake's state, the one ordered queue,
// and the writer's bookkeeping (which frame, which byte).
#include "websocket_protocol.hpp"

#include <algorithm>

#include "frame_writer.hpp"

namespace whisper::net {

namespace {

using item = outbound_queue::item;

std::string_view payload_of(const item& frame) {
  return frame.payload ? std::string_view(*frame.payload) : std::string_view();
}

// Header plus payload on the wire (raw bytes, the 101 answer, have no header).
std::size_t wire_size(const item& frame) {
  const std::size_t payload = payload_of(frame).size();
  return (frame.kind == opcode::raw_bytes ? 0 : frame_header_size(payload)) + payload;
}

// What is left of a frame once `skip` of its bytes (header first) are on the wire:
// `head` views into `header` (recomputed: headers are a pure function of kind and size),
// `payload` is narrowed in place.
void unwritten_part(std::uint8_t kind, std::size_t skip, frame_header& header,
                    std::string_view& head, std::string_view& payload) {
  if (kind != opcode::raw_bytes) header = make_frame_header(kind, payload.size());
  head = header.view();
  const std::size_t from_head = std::min(skip, head.size());
  head.remove_prefix(from_head);
  payload.remove_prefix(skip - from_head);
}

}  // namespace

websocket_protocol::websocket_protocol(std::size_t max_message_bytes, std::size_t queue_bytes,
                                       std::size_t queue_frames)
    : parser_(max_message_bytes), queue_(queue_bytes, queue_frames) {}

websocket_protocol::peer_close websocket_protocol::on_peer_close(int code) {
  close_received_ = true;
  if (!close_queued_) {
    // Echo the peer's code (none if it sent none), then end once it is written.
    bool flush = false;
    queue_close_payload(code == ws_close::no_status ? std::string() : close_payload(code, {}), code,
                        flush);
    return flush ? peer_close::echoed : peer_close::echoed_behind;
  }
  return close_written_ ? peer_close::finish : peer_close::wait;
}

websocket_protocol::push_result websocket_protocol::queue_pong(std::string payload) {
  return queue_.push(make_payload(std::move(payload)), opcode::pong);
}

websocket_protocol::push_result websocket_protocol::queue_ping() {
  return queue_.push_unbounded(make_payload(std::string()), opcode::ping);
}

websocket_protocol::push_result websocket_protocol::queue_raw(std::string bytes) {
  return queue_.push_unbounded(make_payload(std::move(bytes)), opcode::raw_bytes);
}

bool websocket_protocol::queue_close(int code, std::string_view reason, bool& flush) {
  return queue_close_payload(close_payload(code, reason), code, flush);
}

bool websocket_protocol::queue_close_payload(std::string payload, int code, bool& flush) {
  flush = false;
  if (close_queued_.exchange(true)) return false;
  close_code_ = code;
  // Behind every frame queued so far; then the queue refuses more.
  const auto pushed = queue_.push_unbounded(make_payload(std::move(payload)), opcode::close);
  queue_.close();
  flush = pushed == push_result::queued_first;
  return true;
}

bool websocket_protocol::take_queued() {
  pending_.clear();
  pending_index_ = 0;
  written_ = 0;
  queue_.take(pending_);
  std::size_t keep = 0;
  std::size_t dropped_bytes = 0;
  for (std::size_t i = 0; i < pending_.size(); ++i) {
    item& frame = pending_[i];
    // Nothing may follow a close frame on the wire; an empty raw item has no bytes
    // to write and would never be accounted as written.
    if (close_taken_ || (frame.kind == opcode::raw_bytes && payload_of(frame).empty())) {
      dropped_bytes += payload_of(frame).size();
      continue;
    }
    close_taken_ = frame.kind == opcode::close;
    if (keep != i) pending_[keep] = std::move(frame);
    ++keep;
  }
  pending_.resize(keep);
  if (dropped_bytes > 0) queue_.release(dropped_bytes);
  // Do not keep a burst's capacity on an idle connection.
  if (pending_.empty() && pending_.capacity() > 16) std::vector<item>().swap(pending_);
  return !pending_.empty();
}

bool websocket_protocol::next_write(gather_list& out, std::size_t copy_threshold) {
  if (pending_index_ == pending_.size() && !take_queued()) return false;
  std::size_t skip = written_;  // bytes of the first frame already on the wire
  for (std::size_t i = pending_index_; i < pending_.size(); ++i) {
    const item& frame = pending_[i];
    std::string_view payload = payload_of(frame);
    const bool copied = payload.size() <= copy_threshold;
    if (skip == 0 && copied) {  // the usual case: a whole small frame
      if (!out.room_for(frame_header_size(payload.size()) + payload.size())) break;
      char* at = out.reserve();
      const std::size_t head =
          frame.kind == opcode::raw_bytes
              ? 0
              : write_frame_header(reinterpret_cast<std::uint8_t*>(at), frame.kind, payload.size());
      if (!payload.empty()) std::copy_n(payload.data(), payload.size(), at + head);
      out.commit(at, head + payload.size());
      continue;
    }
    // A frame partly written already, or one whose payload is referenced in place.
    frame_header header;
    std::string_view head;
    unwritten_part(frame.kind, skip, header, head, payload);
    skip = 0;
    if (!out.room_for(head.size() + (copied ? payload.size() : 0))) break;
    out.copy(head);
    if (copied) {
      out.copy(payload);
    } else {
      out.refer(payload);
    }
  }
  return true;
}

bool websocket_protocol::next_write(std::string& out) {
  if (pending_index_ == pending_.size() && !take_queued()) return false;
  std::size_t skip = written_;
  for (std::size_t i = pending_index_; i < pending_.size(); ++i) {
    const item& frame = pending_[i];
    std::string_view payload = payload_of(frame);
    frame_header header;
    std::string_view head;
    unwritten_part(frame.kind, skip, header, head, payload);
    skip = 0;
    out += head;
    out += payload;
  }
  return true;
}

void websocket_protocol::account(std::size_t bytes) {
  // Whole frames written are released from the queue's byte count, once per write.
  std::size_t left = bytes;
  std::size_t released = 0;
  while (left > 0 && pending_index_ < pending_.size()) {
    item& frame = pending_[pending_index_];
    const std::size_t rest = wire_size(frame) - written_;
    if (left < rest) {
      written_ += left;
      break;
    }
    left -= rest;
    written_ = 0;
    ++pending_index_;
    released += payload_of(frame).size();
    if (frame.kind == opcode::close) close_written_ = true;
    frame.payload.reset();
  }
  if (released > 0) queue_.release(released);
}

std::size_t websocket_protocol::release_idle_storage() {
  if (pending_index_ != pending_.size() || !queue_.empty()) return 0;  // still writing
  const std::size_t freed = pending_.capacity() * sizeof(outbound_queue::item);
  std::vector<outbound_queue::item>().swap(pending_);
  pending_index_ = 0;
  written_ = 0;
  return freed + queue_.release_storage();
}

void websocket_protocol::drop_pending() {
  pending_.clear();
  pending_index_ = 0;
  written_ = 0;
}

}  // namespace whisper::net
