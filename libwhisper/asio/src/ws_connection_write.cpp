// The one writer of a ws_connection: takes everything queued (data frames, pongs, the
// close frame, the 101 answer) in order and writes it with gathered sendmsg calls.
// Small frames are copied, header and payload, into the thread's gather buffer so a
// batch of chat frames leaves as one iovec; large payloads are written from the one
// shared buffer, never copied per recipient.
#include <sys/socket.h>
#include <sys/uio.h>

#include <algorithm>
#include <asio/write.hpp>
#include <cerrno>
#include <cstring>
#include <vector>

#include "opcode.hpp"
#include "ws_connection.hpp"

namespace whisper::net {

namespace {
// Frames per sendmsg are bounded by the iovecs (at most 2 each) and the gather buffer
// (transport_limits: gather_iovecs, gather_bytes, copy_threshold_bytes, write_rounds).

using item = outbound_queue::item;

std::string_view payload_of(const item& frame) {
  return frame.payload ? std::string_view(*frame.payload) : std::string_view();
}

// Header plus payload on the wire (the 101 answer is raw bytes, without a header).
std::size_t wire_size(const item& frame) {
  const std::size_t payload = payload_of(frame).size();
  return (frame.kind == opcode::raw_bytes ? 0 : frame_header_size(payload)) + payload;
}

// The io thread's gather buffer and iovec array, shared by its connections: filled and
// handed to the kernel within one write_some. Grown to the largest limits asked for,
// never shrunk, and never value-initialised per call: sendmsg reads only the first
// `count` iovecs, and zeroing the array per call was 37% of a delivery's user-space
// cost (callgrind).
struct gather_space {
  std::vector<char> bytes;
  std::vector<iovec> iovecs;

  static gather_space& of_this_thread(const transport_limits& limits) {
    thread_local gather_space space;
    if (space.bytes.size() < limits.gather_bytes) space.bytes.resize(limits.gather_bytes);
    if (space.iovecs.size() < limits.gather_iovecs) space.iovecs.resize(limits.gather_iovecs);
    return space;
  }
};

// Builds the iovecs of one sendmsg: copied runs in the gather buffer merge into one.
class gather_list {
 public:
  gather_list(gather_space& space, const transport_limits& limits)
      : buffer_(space.bytes.data()),
        iov_(space.iovecs.data()),
        max_bytes_(limits.gather_bytes),
        max_iovecs_(limits.gather_iovecs) {}

  bool room_for(std::size_t copied_bytes) const {
    return count_ + 2 <= max_iovecs_ && used_ + copied_bytes <= max_bytes_;
  }
  // A whole small frame: its header written in place, then its payload.
  void copy_frame(std::uint8_t kind, std::string_view payload) {
    char* at = buffer_ + used_;
    const std::size_t head =
        kind == opcode::raw_bytes
            ? 0
            : write_frame_header(reinterpret_cast<std::uint8_t*>(at), kind, payload.size());
    if (!payload.empty()) std::memcpy(at + head, payload.data(), payload.size());
    append(at, head + payload.size());
  }
  void copy(std::string_view part) {
    if (part.empty()) return;
    char* at = buffer_ + used_;
    std::memcpy(at, part.data(), part.size());
    append(at, part.size());
  }
  void refer(std::string_view part) {
    if (!part.empty()) add(const_cast<char*>(part.data()), part.size());
  }
  iovec* data() { return iov_; }
  std::size_t count() const { return count_; }

 private:
  // Copied bytes at the end of the buffer: they extend the last iovec when it ends there.
  void append(char* at, std::size_t size) {
    used_ += size;
    if (count_ > 0 &&
        static_cast<char*>(iov_[count_ - 1].iov_base) + iov_[count_ - 1].iov_len == at) {
      iov_[count_ - 1].iov_len += size;
      return;
    }
    add(at, size);
  }
  void add(char* at, std::size_t size) {
    iov_[count_].iov_base = at;
    iov_[count_].iov_len = size;
    ++count_;
  }

  char* buffer_;
  iovec* iov_;
  std::size_t max_bytes_;
  std::size_t max_iovecs_;
  std::size_t count_ = 0;
  std::size_t used_ = 0;
};
}  // namespace

void ws_connection::flush() {
  if (finished_ || waiting_writable_) return;
  const int rounds = owner_.context().options.transport.write_rounds;
  for (int round = 0; round < rounds; ++round) {
    if (pending_index_ == pending_.size() && !take_queued()) return;
    if (!(socket_.secure() ? write_tls() : write_some())) return;
  }
  request_flush();  // still more: let the thread's other connections have a turn first
}

bool ws_connection::take_queued() {
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

bool ws_connection::write_some() {
  const transport_limits& limits = owner_.context().options.transport;
  gather_list out(gather_space::of_this_thread(limits), limits);
  std::size_t skip = written_;  // bytes of the first frame already on the wire
  for (std::size_t i = pending_index_; i < pending_.size(); ++i) {
    const item& frame = pending_[i];
    std::string_view payload = payload_of(frame);
    const bool copied = payload.size() <= limits.copy_threshold_bytes;
    if (skip == 0 && copied) {  // the usual case: a whole small frame
      if (!out.room_for(frame_header_size(payload.size()) + payload.size())) break;
      out.copy_frame(frame.kind, payload);
      continue;
    }
    // A frame partly written already, or one whose payload is referenced in place.
    frame_header header;
    if (frame.kind != opcode::raw_bytes) header = make_frame_header(frame.kind, payload.size());
    std::string_view head = header.view();
    const std::size_t from_head = std::min(skip, head.size());
    head.remove_prefix(from_head);
    payload.remove_prefix(skip - from_head);
    skip = 0;
    if (!out.room_for(head.size() + (copied ? payload.size() : 0))) break;
    out.copy(head);
    if (copied) {
      out.copy(payload);
    } else {
      out.refer(payload);
    }
  }
  msghdr message{};
  message.msg_iov = out.data();
  message.msg_iovlen = out.count();
  const ssize_t sent = ::sendmsg(socket_.tcp().native_handle(), &message, MSG_NOSIGNAL);
  if (sent < 0) {
    if (errno == EINTR) return true;
    if (errno == EAGAIN || errno == EWOULDBLOCK) {
      // The peer is not reading fast enough: resume when the socket can take more.
      waiting_writable_ = true;
      socket_.tcp().async_wait(asio::ip::tcp::socket::wait_write,
                               [self = shared_from_this()](const asio::error_code& ec) {
                                 self->waiting_writable_ = false;
                                 if (!ec) self->flush();
                               });
      return false;
    }
    finish(1006);
    return false;
  }
  account_written(static_cast<std::size_t>(sent));
  if (close_sent_) {
    close_frame_sent();
    return false;
  }
  return true;
}

bool ws_connection::write_tls() {
#ifdef WHISPER_HAVE_TLS
  // SSL_write takes one buffer: the batch is coalesced (a copy the plain path avoids),
  // then written whole by one asynchronous write. waiting_writable_ keeps it the only one.
  std::string& batch = socket_.tls()->write_buffer;
  batch.clear();
  for (std::size_t i = pending_index_; i < pending_.size(); ++i) {
    const item& frame = pending_[i];
    const std::string_view payload = payload_of(frame);
    if (frame.kind != opcode::raw_bytes)
      batch += make_frame_header(frame.kind, payload.size()).view();
    batch += payload;
  }
  waiting_writable_ = true;
  asio::async_write(socket_.tls()->stream, asio::buffer(batch),
                    [self = shared_from_this()](const asio::error_code& ec, std::size_t sent) {
                      self->waiting_writable_ = false;
                      if (self->finished_) return;
                      if (ec) return self->finish(1006);
                      self->account_written(sent);
                      // Do not keep a burst's buffer on an idle connection.
                      std::string& written = self->socket_.tls()->write_buffer;
                      if (written.capacity() >
                          self->owner_.context().options.transport.tls_write_buffer_keep_bytes) {
                        std::string().swap(written);
                      }
                      if (self->close_sent_) return self->close_frame_sent();
                      self->flush();
                    });
#endif
  return false;
}

void ws_connection::account_written(std::size_t sent) {
  // Whole frames written are released from the queue's byte count, once per write.
  std::size_t left = sent;
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
    if (frame.kind == opcode::close) close_sent_ = true;
    frame.payload.reset();
  }
  if (released > 0) queue_.release(released);
}

void ws_connection::close_frame_sent() {
  pending_.clear();
  pending_index_ = 0;
  // Our FIN tells the peer we are done writing; reading goes on until its close or EOF,
  // so its last bytes do not turn our close into a reset that could eat the close frame.
  asio::error_code ec;
  socket_.tcp().shutdown(asio::ip::tcp::socket::shutdown_send, ec);
  if (close_received_) finish(close_code_);
}

}  // namespace whisper::net
