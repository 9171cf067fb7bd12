#include "whisper/asio/server.hpp"

#include <spdlog/spdlog.h>

#include <asio/ip/tcp.hpp>
#include <asio/post.hpp>
#include <asio/steady_timer.hpp>
#include <cerrno>
#include <stdexcept>
#include <string_view>
#include <thread>

#include "connection_socket.hpp"
#include "http_connection.hpp"
#include "tls_context.hpp"
#include "worker.hpp"

namespace whisper::net {

struct server::impl {
  impl(server_options options, whisper::chat_hub& hub, whisper::authenticator authenticate,
       http_handler http)
      : context(std::move(options), hub, std::move(authenticate), std::move(http)) {}

  server_context context;
  std::vector<std::unique_ptr<worker>> workers;  // workers[0] also runs the acceptor
  std::unique_ptr<tcp_acceptor> acceptor;
  std::unique_ptr<asio::steady_timer> retry_timer;  // accept retry after EMFILE and such
  std::unique_ptr<asio::steady_timer> stop_timer;   // polls for the end of the grace
  // The peer of the accept in progress (one at a time): accept() reports it, so no
  // getpeername() call is needed per connection.
  asio::ip::tcp::endpoint accepted_peer;
  std::size_t next_worker = 0;
  std::uint16_t port = 0;
  std::atomic<bool> stop_requested{false};
  bool embedded = false;  // on the embedder's io_context: run() is not ours to call

  void accept();
  void poll_stop(std::chrono::steady_clock::time_point deadline);
};

namespace {

std::string bind_message(const std::string& where, const std::string& address,
                         const std::system_error& e) {
  // The caller knows how the address was configured and adds how to change it.
  if (e.code().value() == EADDRINUSE) {
    return where + " is already in use (stop the other server there, or use another port)";
  }
  if (e.code().value() == EACCES) {
    return where + " needs privileges to listen on (ports below 1024; use a port above 1023)";
  }
  if (e.code().value() == EADDRNOTAVAIL) {
    return address + " is not an address of this machine (use one it has, or 0.0.0.0 for all)";
  }
  return "cannot listen on " + where + ": " + e.code().message();
}

// Refuses a connection over max_connections_per_ip: a minimal 429 on plain HTTP (over
// TLS nothing readable can be said before a handshake, so it is just closed).
void refuse_over_ip_limit(tcp_socket& socket, bool secure) {
  asio::error_code ec;
  if (!secure) {
    static constexpr std::string_view answer =
        "HTTP/1.1 429 Too Many Requests\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
    socket.non_blocking(true, ec);
    socket.send(asio::buffer(answer.data(), answer.size()), 0, ec);  // best effort
    socket.shutdown(tcp_socket::shutdown_send, ec);
  }
  socket.close(ec);
}

// On the connection's own io thread: count it against its address, then serve it.
void start_connection(worker& target, tcp_socket socket, const asio::ip::tcp::endpoint& peer) {
  server_context& ctx = target.context();
  std::string address = peer.address().to_string();
  bool secure = false;
#ifdef WHISPER_HAVE_TLS
  const std::shared_ptr<asio::ssl::context> tls = std::atomic_load(&ctx.tls);
  secure = tls != nullptr;
#endif
  auto slot = ctx.per_ip->try_acquire(address, ctx.options.limits.max_connections_per_ip);
  if (!slot) {
    if (ctx.stats.refused_ip_limit.fetch_add(1, std::memory_order_relaxed) % 1000 == 0) {
      spdlog::warn("refused connection: too many connections from {}", address);  // 1 in 1000
    }
    return refuse_over_ip_limit(socket, secure);
  }
#ifdef WHISPER_HAVE_TLS
  if (secure) {
// Asio leaves an unopened socket's reactor data unset (the TLS stream owns the real
// socket, connection_socket's plain one stays closed) and copies it when the socket
// moves: GCC sees that through the io_context's executor type. Never read while closed.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif
    connection_socket wrapped(std::move(socket), *tls, ctx.options.transport.tls_read_buffer_bytes);
    auto connection = std::make_shared<http_connection>(target, std::move(wrapped),
                                                        std::move(address), std::move(*slot));
    return connection->start();
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif
  }
#endif
  auto connection = std::make_shared<http_connection>(target, connection_socket(std::move(socket)),
                                                      std::move(address), std::move(*slot));
  connection->start();
}

// Limits the writer and reader cannot work with: a gather buffer too small for one
// copied frame would make every write empty, and no progress would ever be made.
void check_transport_limits(const transport_limits& t) {
  constexpr std::size_t max_header = 14;  // a frame header is 2-10 bytes
  if (t.read_buffer_bytes == 0 || t.tls_read_buffer_bytes == 0) {
    throw std::invalid_argument("transport_limits: read buffers must not be empty");
  }
  if (t.read_rounds < 1 || t.write_rounds < 1) {
    throw std::invalid_argument("transport_limits: read_rounds and write_rounds must be >= 1");
  }
  if (t.gather_iovecs < 2 || t.gather_iovecs > 1024) {
    throw std::invalid_argument("transport_limits: gather_iovecs must be 2..1024 (UIO_MAXIOV)");
  }
  if (t.batch_sends < 1 || t.batch_sends > 4096) {
    throw std::invalid_argument("transport_limits: batch_sends must be 1..4096");
  }
  if (t.gather_bytes < t.copy_threshold_bytes + max_header) {
    throw std::invalid_argument(
        "transport_limits: gather_bytes must hold one copied frame (copy_threshold_bytes + 14)");
  }
}

// Settles io_backend::automatic, once per server: the workers read the result.
io_backend resolve_backend(io_backend wanted) {
  if (wanted == io_backend::epoll) return wanted;
  std::string why_not;
  if (io_uring_available(&why_not)) return io_backend::io_uring;
  if (wanted == io_backend::io_uring) {
    throw backend_error("io_backend io_uring: " + why_not +
                        "; use io_backend auto (falls back to epoll) or epoll");
  }
  spdlog::info("io backend: epoll, one sendmsg per connection ({})", why_not);
  return io_backend::epoll;
}

}  // namespace

bool tls_supported() {
#ifdef WHISPER_HAVE_TLS
  return true;
#else
  return false;
#endif
}

void server::impl::accept() {
  // Round-robin: the socket is accepted straight onto the next worker's io_context.
  worker& target = *workers[next_worker];
  next_worker = (next_worker + 1) % workers.size();
  acceptor->async_accept(
      target.io(), accepted_peer, [this, &target](const asio::error_code& ec, tcp_socket socket) {
        if (ec == asio::error::operation_aborted || !acceptor->is_open()) return;
        if (ec) {
          // Out of descriptors or memory: wait a little instead of spinning on
          // the error.
          spdlog::warn("accept failed: {}", ec.message());
          retry_timer->expires_after(std::chrono::milliseconds(100));
          retry_timer->async_wait([this](const asio::error_code& timer_ec) {
            if (!timer_ec && acceptor->is_open()) accept();
          });
          return;
        }
        asio::post(target.io(),
                   [&target, socket = std::move(socket), peer = accepted_peer]() mutable {
                     start_connection(target, std::move(socket), peer);
                   });
        accept();
      });
}

void server::impl::poll_stop(std::chrono::steady_clock::time_point deadline) {
  if (context.live_connections.load() == 0 || std::chrono::steady_clock::now() >= deadline) {
    for (auto& w : workers) w->stop();
    // On the embedder's loop nobody joins threads: whoever is left ends here.
    if (embedded) {
      for (auto& w : workers) w->abort_all();
    }
    return;
  }
  stop_timer->expires_after(std::chrono::milliseconds(10));
  stop_timer->async_wait([this, deadline](const asio::error_code& ec) {
    if (!ec) poll_stop(deadline);
  });
}

server::server(server_options options, whisper::chat_hub& hub, whisper::authenticator authenticate,
               http_handler http)
    : impl_(std::make_unique<impl>(std::move(options), hub, std::move(authenticate),
                                   std::move(http))) {
  check_transport_limits(impl_->context.options.transport);
  impl_->context.options.backend = resolve_backend(impl_->context.options.backend);
  unsigned threads = impl_->context.options.threads;
  if (threads == 0) threads = std::max(1u, std::thread::hardware_concurrency());
  for (unsigned i = 0; i < threads; ++i) {
    impl_->workers.push_back(std::make_unique<worker>(impl_->context));
  }
  impl_->retry_timer = std::make_unique<asio::steady_timer>(impl_->workers[0]->io());
  impl_->stop_timer = std::make_unique<asio::steady_timer>(impl_->workers[0]->io());
}

server::server(server_options options, whisper::chat_hub& hub, whisper::authenticator authenticate,
               http_handler http, asio::io_context& io)
    : impl_(std::make_unique<impl>(std::move(options), hub, std::move(authenticate),
                                   std::move(http))) {
  check_transport_limits(impl_->context.options.transport);
  impl_->context.options.backend = resolve_backend(impl_->context.options.backend);
  impl_->embedded = true;
  impl_->workers.push_back(std::make_unique<worker>(impl_->context, io));
  impl_->retry_timer = std::make_unique<asio::steady_timer>(io);
  impl_->stop_timer = std::make_unique<asio::steady_timer>(io);
}

void server::start() {
  for (auto& w : impl_->workers) w->start_sweep();
}

server::~server() {
  // Timers and the acceptor belong to workers[0]'s io_context: go before it.
  impl_->stop_timer.reset();
  impl_->retry_timer.reset();
  impl_->acceptor.reset();
}

bool server::reload_tls() {
#ifdef WHISPER_HAVE_TLS
  auto& context = impl_->context;
  if (!std::atomic_load(&context.tls)) return false;
  std::shared_ptr<asio::ssl::context> fresh =
      make_tls_context(context.options.tls.cert_file, context.options.tls.key_file);
  std::atomic_store(&context.tls, std::move(fresh));
  return true;
#else
  return false;
#endif
}

void server::listen() {
  auto& context = impl_->context;
  const auto& options = context.options;
  if (options.tls.enabled()) {
#ifdef WHISPER_HAVE_TLS
    std::atomic_store(&context.tls, std::shared_ptr<asio::ssl::context>(make_tls_context(
                                        options.tls.cert_file, options.tls.key_file)));
#else
    throw tls_error("TLS certificate " + options.tls.cert_file +
                    " configured, but whisper::asio was built without TLS support "
                    "(WHISPER_WITH_TLS=OFF)");
#endif
  }
  const std::string where = options.address + ":" + std::to_string(options.port);
  try {
    const asio::ip::tcp::endpoint endpoint(asio::ip::make_address(options.address), options.port);
    auto acceptor = std::make_unique<tcp_acceptor>(impl_->workers[0]->io().get_executor());
    acceptor->open(endpoint.protocol());
    // Restarts must not wait out TIME_WAIT; this does not let two servers share a port.
    acceptor->set_option(asio::socket_base::reuse_address(true));
    // Chat frames are small and latency-bound: no Nagle delay. Linux copies the option
    // to every accepted socket, which saves each connection its own setsockopt.
    acceptor->set_option(asio::ip::tcp::no_delay(true));
    acceptor->bind(endpoint);
    acceptor->listen(asio::socket_base::max_listen_connections);
    impl_->port = acceptor->local_endpoint().port();
    impl_->acceptor = std::move(acceptor);
  } catch (const std::system_error& e) {
    throw bind_error(bind_message(where, options.address, e));
  }
  spdlog::info("listening on {}://{}:{} with {} io threads, io backend {}",
               !options.tls.enabled() ? "http" : "https", options.address, impl_->port,
               impl_->workers.size(), to_string(options.backend));
  impl_->accept();
}

io_backend server::backend() const {
  return impl_->context.options.backend;
}

std::uint16_t server::port() const {
  return impl_->port;
}

void server::run() {
  if (impl_->embedded) {
    throw std::logic_error("server::run() on the embedder's io_context: call start() and run it");
  }
  auto run_worker = [](worker& w) {
    w.start_sweep();
    // A handler's exception must not take the whole server down with it.
    for (;;) {
      try {
        w.io().run();
        return;
      } catch (const std::exception& e) {
        spdlog::error("io thread: unexpected exception: {}", e.what());
      }
    }
  };
  std::vector<std::thread> threads;
  for (std::size_t i = 1; i < impl_->workers.size(); ++i) {
    threads.emplace_back(run_worker, std::ref(*impl_->workers[i]));
  }
  run_worker(*impl_->workers[0]);
  for (auto& t : threads) t.join();
  // Whoever did not finish within the grace ends now (their consumers still see on_close).
  for (auto& w : impl_->workers) w->abort_all();
}

void server::stop(std::chrono::milliseconds grace) {
  if (impl_->stop_requested.exchange(true)) return;
  impl_->context.stopping = true;
  const auto deadline = std::chrono::steady_clock::now() + grace;
  impl* self = impl_.get();
  asio::post(impl_->workers[0]->io(), [self] {
    asio::error_code ec;
    if (self->acceptor) self->acceptor->close(ec);
    self->retry_timer->cancel();
  });
  for (auto& w : impl_->workers) {
    asio::post(w->io(), [target = w.get()] { target->shutdown_all(); });
  }
  asio::post(impl_->workers[0]->io(), [self, deadline] { self->poll_stop(deadline); });
}

const server_stats& server::stats() const {
  return impl_->context.stats;
}

}  // namespace whisper::net
