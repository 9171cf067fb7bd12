// The one writer of a ws_connection: takes everything queued (data frames, pongs, the
// close frame, the 101 answer) in order and writes it with gathered sendmsg calls.
// Small frames are copied, header and payload, into the thread's gather buffer so a
// batch of chat frames leaves as one iovec; large payloads are written from the one
// shared buffer, never copied per recipient.
#include <sys/socket.h>
#include <sys/uio.h>

#include <algorithm>
#include <array>
#include <asio/write.hpp>
#include <cerrno>
#include <cstring>

#include "opcode.hpp"
#include "ws_connection.hpp"

namespace whisper_server::net {

namespace {
// Frames per sendmsg are bounded by the iovecs (at most 2 each) and the gather buffer.
constexpr std::size_t max_iovecs = 256;
// Writer rounds per turn before yielding to the other connections of the thread.
constexpr int max_write_rounds = 16;
// Payloads up to this size are copied next to their header: at W1 window 16, 32 tiny
// iovecs per sendmsg made the kernel's per-iovec copy setup 10% of server CPU
// (docs/performance-design.md), and copying 100 bytes costs less than one iovec.
constexpr std::size_t copy_payload_max = 1024;
// Bytes copied per sendmsg at most: about what a socket takes per call, so a slow
// reader's backlog is not copied again and again.
constexpr std::size_t gather_bytes = std::size_t{64} * 1024;

using item = whisper::outbound_queue::item;

std::string_view payload_of(const item& frame) {
  return frame.payload ? std::string_view(*frame.payload) : std::string_view();
}

// Header plus payload on the wire (the 101 answer is raw bytes, without a header).
std::size_t wire_size(const item& frame) {
  const std::size_t payload = payload_of(frame).size();
  return (frame.kind == opcode::raw_bytes ? 0 : frame_header_size(payload)) + payload;
}

// Builds the iovecs of one sendmsg: copied runs in the gather buffer merge into one.
class gather_list {
 public:
  explicit gather_list(char* buffer) : buffer_(buffer) {}

  bool room_for(std::size_t copied_bytes) const {
    return count_ + 2 <= max_iovecs && used_ + copied_bytes <= gather_bytes;
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
  iovec* data() { return iov_.data(); }
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
  // Deliberately not value-initialised: sendmsg reads only the first count_ entries,
  // and zeroing the array per call was 37% of a delivery's user-space cost (callgrind).
  std::array<iovec, max_iovecs> iov_;  // NOLINT(cppcoreguidelines-pro-type-member-init)
  std::size_t count_ = 0;
  std::size_t used_ = 0;
};
}  // namespace

void ws_connection::flush() {
  if (finished_ || waiting_writable_) return;
  for (int round = 0; round < max_write_rounds; ++round) {
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
  // Shared by the thread's connections: filled and handed to the kernel right here.
  thread_local std::array<char, gather_bytes> gather_buffer;
  gather_list out(gather_buffer.data());
  std::size_t skip = written_;  // bytes of the first frame already on the wire
  for (std::size_t i = pending_index_; i < pending_.size(); ++i) {
    const item& frame = pending_[i];
    std::string_view payload = payload_of(frame);
    const bool copied = payload.size() <= copy_payload_max;
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
                      if (written.capacity() > std::size_t{64} * 1024) std::string().swap(written);
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

}  // namespace whisper_server::net
