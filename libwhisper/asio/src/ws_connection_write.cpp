// The one writer of a ws_connection: writes the batches its websocket_protocol builds
// (data frames, pongs, the close frame, the 101 answer, in order) with gathered sendmsg
// calls, or as one entry of the io thread's send_ring (io_uring backend), or on TLS as
// one coalesced asynchronous write, and accounts what was written.
#include <sys/socket.h>
#include <sys/uio.h>

#include <asio/write.hpp>
#include <cerrno>

#include "ws_connection.hpp"

namespace whisper::net {

void ws_connection::flush() {
  if (finished_ || waiting_writable_ || in_batch_) return;
  const int rounds = owner_.context().options.transport.write_rounds;
  for (int round = 0; round < rounds; ++round) {
    if (!(socket_.secure() ? write_tls() : write_some())) return;
  }
  request_flush();  // still more: let the thread's other connections have a turn first
}

bool ws_connection::write_some() {
  const transport_limits& limits = owner_.context().options.transport;
  gather_list out(gather_space::of_this_thread(limits), limits);
  if (!protocol_.next_write(out, limits.copy_threshold_bytes)) return false;
  msghdr message{};
  message.msg_iov = out.data();
  message.msg_iovlen = out.count();
  const ssize_t sent = ::sendmsg(socket_.tcp().native_handle(), &message, MSG_NOSIGNAL);
  if (sent < 0) {
    if (errno == EINTR) return true;
    if (errno == EAGAIN || errno == EWOULDBLOCK) {
      wait_writable();
      return false;
    }
    finish(1006);
    return false;
  }
  protocol_.account(static_cast<std::size_t>(sent));
  if (protocol_.close_written()) {
    close_frame_written();
    return false;
  }
  return true;
}

void ws_connection::wait_writable() {
  // The peer is not reading fast enough: resume when the socket can take more. (The
  // resumed flush writes directly, not through the batch: a socket that just drained
  // is one connection, not a turn's worth.)
  waiting_writable_ = true;
  socket_.tcp().async_wait(asio::ip::tcp::socket::wait_write,
                           [self = shared_from_this()](const asio::error_code& ec) {
                             self->waiting_writable_ = false;
                             if (!ec) self->flush();
                           });
}

void ws_connection::flush_batched(send_ring& ring) {
  // Scheduled twice in one turn: the first write is in the batch already, and a second
  // write of the same socket in one submission could land out of order.
  if (finished_ || waiting_writable_ || in_batch_) return;
  if (socket_.secure()) return flush();
  const transport_limits& limits = owner_.context().options.transport;
  gather_list out = ring.next_gather();
  if (!protocol_.next_write(out, limits.copy_threshold_bytes)) return;
  in_batch_ = true;
  ring.add(socket_.tcp().native_handle(), out, this);
}

void ws_connection::sent(int result, std::size_t attempted) {
  in_batch_ = false;
  if (finished_) return;
  if (result == -EAGAIN || result == -EWOULDBLOCK) return wait_writable();
  if (result == -EINTR) return request_flush();
  if (result < 0) return finish(1006);
  const auto written = static_cast<std::size_t>(result);
  protocol_.account(written);
  if (protocol_.close_written()) return close_frame_written();
  if (written < attempted) return wait_writable();  // the socket's buffer is full
  // One write per connection per turn: what the arena did not hold goes next turn,
  // behind the thread's other connections (the epoll path's write_rounds, in turns).
  if (protocol_.write_pending()) request_flush();
}

bool ws_connection::write_tls() {
#ifdef WHISPER_HAVE_TLS
  // SSL_write takes one buffer: the batch is coalesced (a copy the plain path avoids),
  // then written whole by one asynchronous write. waiting_writable_ keeps it the only one.
  std::string& batch = socket_.tls()->write_buffer;
  batch.clear();
  if (!protocol_.next_write(batch)) return false;
  waiting_writable_ = true;
  asio::async_write(socket_.tls()->stream, asio::buffer(batch),
                    [self = shared_from_this()](const asio::error_code& ec, std::size_t sent) {
                      self->waiting_writable_ = false;
                      if (self->finished_) return;
                      if (ec) return self->finish(1006);
                      self->protocol_.account(sent);
                      // Do not keep a burst's buffer on an idle connection.
                      std::string& written = self->socket_.tls()->write_buffer;
                      if (written.capacity() >
                          self->owner_.context().options.transport.tls_write_buffer_keep_bytes) {
                        std::string().swap(written);
                      }
                      if (self->protocol_.close_written()) return self->close_frame_written();
                      self->flush();
                    });
#endif
  return false;
}

void ws_connection::close_frame_written() {
  protocol_.drop_pending();
  // Both closes exchanged: the socket closes now, and the close sends our FIN (a
  // shutdown first would be one more system call for the same FIN).
  if (protocol_.close_received()) return finish(protocol_.close_code());
  // Our FIN tells the peer we are done writing; reading goes on until its close or EOF,
  // so its last bytes do not turn our close into a reset that could eat the close frame.
  asio::error_code ec;
  socket_.tcp().shutdown(asio::ip::tcp::socket::shutdown_send, ec);
}

}  // namespace whisper::net
