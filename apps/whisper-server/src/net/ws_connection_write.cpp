// The one writer of a ws_connection: takes everything queued (data frames, pongs, the
// close frame, the 101 answer) in order and writes it with gathered sendmsg calls, each
// frame as [its small header][the shared payload], never copying a payload per recipient.
#include <sys/socket.h>
#include <sys/uio.h>

#include <array>
#include <asio/write.hpp>
#include <cerrno>

#include "opcode.hpp"
#include "ws_connection.hpp"

namespace whisper_server::net {

namespace {
// Frames per sendmsg: 2 iovecs each (header, payload). Linux allows 1024 iovecs.
constexpr std::size_t max_iovecs = 512;
// Writer rounds per turn before yielding to the other connections of the thread.
constexpr int max_write_rounds = 16;
}  // namespace

void ws_connection::flush() {
  if (finished_ || waiting_writable_) return;
  for (int round = 0; round < max_write_rounds; ++round) {
    if (pending_index_ == pending_.size() && !take_queued()) return;
    if (!(socket_.secure() ? write_tls() : write_some())) return;
  }
  post_flush();  // still more: let the thread's other connections have a turn first
}

bool ws_connection::take_queued() {
  pending_.clear();
  pending_index_ = 0;
  written_ = 0;
  // Scratch shared by the thread's connections: used and emptied right here.
  thread_local std::vector<whisper::outbound_queue::item> taken;
  queue_.take(taken);
  for (auto& item : taken) {
    const std::size_t bytes = item.payload ? item.payload->size() : 0;
    if (close_taken_) {
      queue_.release(bytes);  // nothing may follow a close frame on the wire
      continue;
    }
    out_frame frame;
    frame.kind = item.kind;
    if (item.kind != opcode::raw_bytes) frame.header = make_frame_header(item.kind, bytes);
    frame.payload = std::move(item.payload);
    close_taken_ = item.kind == opcode::close;
    pending_.push_back(std::move(frame));
  }
  taken.clear();
  // Do not keep a burst's capacity on an idle connection.
  if (pending_.empty() && pending_.capacity() > 16) std::vector<out_frame>().swap(pending_);
  return !pending_.empty();
}

bool ws_connection::write_some() {
  // Deliberately not value-initialised: sendmsg reads only the first `count` entries,
  // and zeroing 8 KiB per call was 37% of the user-space cost of a delivery (callgrind,
  // docs/performance-plan.md).
  std::array<iovec, max_iovecs> iov;  // NOLINT(cppcoreguidelines-pro-type-member-init)
  std::size_t count = 0;
  std::size_t skip = written_;
  for (std::size_t i = pending_index_; i < pending_.size() && count + 2 <= max_iovecs; ++i) {
    const out_frame& frame = pending_[i];
    const std::string_view parts[2] = {
        frame.header.view(), frame.payload ? std::string_view(*frame.payload) : std::string_view()};
    for (std::string_view part : parts) {
      if (skip >= part.size()) {
        skip -= part.size();
        continue;
      }
      part.remove_prefix(skip);
      skip = 0;
      iov[count].iov_base = const_cast<char*>(part.data());
      iov[count].iov_len = part.size();
      ++count;
    }
  }
  msghdr message{};
  message.msg_iov = iov.data();
  message.msg_iovlen = count;
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
    const out_frame& frame = pending_[i];
    batch += frame.header.view();
    if (frame.payload) batch += *frame.payload;
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
  // Account what went out: whole frames are released from the queue's byte count.
  auto left = sent;
  while (left > 0) {
    out_frame& frame = pending_[pending_index_];
    const std::size_t rest = frame.size() - written_;
    if (left < rest) {
      written_ += left;
      break;
    }
    left -= rest;
    written_ = 0;
    ++pending_index_;
    queue_.release(frame.payload ? frame.payload->size() : 0);
    if (frame.kind == opcode::close) close_sent_ = true;
    frame.payload.reset();
  }
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
