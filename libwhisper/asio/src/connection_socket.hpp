// The byte stream under one connection: a plain TCP socket, or (built with
// WHISPER_HAVE_TLS and a certificate configured) a TLS stream over one. The plain case
// is the fast path and stays as it was: the sessions use tcp() for non-blocking reads
// and ::sendmsg, and only branch to tls() when it is non-null; TLS costs a plain
// connection one null pointer.
#pragma once

#include <asio/io_context.hpp>
#include <asio/ip/tcp.hpp>
#include <memory>

#ifdef WHISPER_HAVE_TLS
#include <asio/ssl/context.hpp>
#include <asio/ssl/stream.hpp>
#include <string>
#include <vector>
#endif

namespace whisper::net {

/// A TCP socket bound to the io_context's own executor type, not Asio's type-erased
/// any_io_executor: the socket is 48 bytes smaller, and so is every operation pending on
/// it (an idle connection always has one, its wait for input). Every connection runs on
/// one worker's io_context anyway.
using tcp_socket = asio::basic_stream_socket<asio::ip::tcp, asio::io_context::executor_type>;
/// The acceptor on the same executor type: Asio recycles the accept operation's memory
/// block for the accepted socket's first pending read, so a smaller accept operation is a
/// smaller block held by every idle connection.
using tcp_acceptor = asio::basic_socket_acceptor<asio::ip::tcp, asio::io_context::executor_type>;

#ifdef WHISPER_HAVE_TLS
/// A TLS connection's stream and the buffers its asynchronous operations need.
///
/// Thread safety: the owning connection's io thread only.
struct tls_channel {
  tls_channel(tcp_socket socket, asio::ssl::context& context, std::size_t read_buffer_bytes)
      : stream(std::move(socket), context), read_buffer(read_buffer_bytes) {}

  asio::ssl::stream<tcp_socket> stream;
  // Its own read buffer: an asynchronous TLS read may fill it before its handler runs,
  // so the io thread's shared buffer (worker::read_buffer) cannot be used.
  // (transport_limits::tls_read_buffer_bytes).
  std::vector<char> read_buffer;
  // SSL_write takes no iovecs: a batch of frames is coalesced here, then written.
  std::string write_buffer;
};
#else
/// Never created without TLS support; complete only so connection_socket compiles alike.
struct tls_channel {};
#endif

/// A connection's socket: plain, or TLS over TCP. Move-only; moves with the connection
/// from the HTTP connection to the WebSocket.
///
/// Thread safety: the owning connection's io thread only.
class connection_socket {
 public:
  explicit connection_socket(tcp_socket plain) : plain_(std::move(plain)) {}
#ifdef WHISPER_HAVE_TLS
  /// Wraps `plain` in a server-side TLS stream (the handshake is the caller's to run).
  connection_socket(tcp_socket plain, asio::ssl::context& context, std::size_t read_buffer_bytes)
      : plain_(plain.get_executor()),
        tls_(std::make_unique<tls_channel>(std::move(plain), context, read_buffer_bytes)) {}
#endif
  connection_socket(connection_socket&&) noexcept = default;
  connection_socket& operator=(connection_socket&&) noexcept = default;
  connection_socket(const connection_socket&) = delete;
  connection_socket& operator=(const connection_socket&) = delete;
  ~connection_socket() = default;

  /// The TCP socket (under the TLS stream when secure).
  tcp_socket& tcp() {
#ifdef WHISPER_HAVE_TLS
    if (tls_) return tls_->stream.next_layer();
#endif
    return plain_;
  }
  /// The TLS channel, or nullptr for a plain connection.
  tls_channel* tls() const {
    return tls_.get();
  }
  bool secure() const {
    return tls_ != nullptr;
  }

  /// Waits for input, the one way each kind of socket reads, keeping `owner` alive
  /// meanwhile: a plain socket reports readiness, `on_ready(ec)`, and the owner then
  /// reads without blocking into the io thread's shared buffer (an idle connection holds
  /// no buffer); a TLS stream reads into its own buffer, `on_read(ec, bytes)`, as
  /// OpenSSL has to do the reading itself.
  template <typename Owner>
  void async_wait_input(std::shared_ptr<Owner> owner,
                        void (Owner::*on_ready)(const asio::error_code&),
                        void (Owner::*on_read)(const asio::error_code&, std::size_t)) {
#ifdef WHISPER_HAVE_TLS
    if (tls_) {
      tls_->stream.async_read_some(
          asio::buffer(tls_->read_buffer),
          [owner = std::move(owner), on_read](const asio::error_code& ec, std::size_t n) {
            ((*owner).*on_read)(ec, n);
          });
      return;
    }
#else
    (void)on_read;
#endif
    plain_.async_wait(tcp_socket::wait_read,
                      [owner = std::move(owner), on_ready](const asio::error_code& ec) {
                        ((*owner).*on_ready)(ec);
                      });
  }

 private:
  tcp_socket plain_;  // unopened when secure: the TLS stream owns the socket
  std::unique_ptr<tls_channel> tls_;
};

}  // namespace whisper::net
