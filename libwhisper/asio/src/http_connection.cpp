#include "http_connection.hpp"

#include <spdlog/spdlog.h>

#include <asio/post.hpp>
#include <asio/write.hpp>
#include <atomic>
#include <ctime>
#include <websocketpp/http/request.hpp>

#include "detail/ascii.hpp"
#include "http_head_check.hpp"
#include "http_wire.hpp"
#include "whisper/asio/log_text.hpp"

namespace whisper::net {

namespace {

// Shared by every copy of one responder: the answer is posted to the connection's thread
// once; a handler that drops its responder unanswered gets a 500 sent for it.
struct responder_state {
  std::weak_ptr<http_connection> connection;
  std::shared_ptr<asio::io_context> io;
  std::atomic<bool> done{false};

  void answer(http_response response) {
    if (done.exchange(true)) return;
    asio::post(*io, [weak = connection, response = std::move(response)]() mutable {
      if (auto s = weak.lock()) s->respond(response);
    });
  }
  ~responder_state() {
    if (!done) answer(plain_response(500, "the request was not answered"));
  }
};

}  // namespace

http_connection::http_connection(worker& owner, connection_socket socket,
                                 std::string remote_address, ip_slot address_slot)
    : owner_(owner),
      socket_(std::move(socket)),
      remote_(std::move(remote_address)),
      client_(remote_),
      address_slot_(std::move(address_slot)) {}

http_connection::~http_connection() = default;

void http_connection::start() {
  owner_.add(shared_from_this());
  last_activity_ = owner_.now();
#ifdef WHISPER_HAVE_TLS
  if (tls_channel* tls = socket_.tls()) {
    // On this io thread, under handshake_timeout like the request (tick() drops it).
    tls->stream.async_handshake(asio::ssl::stream_base::server, [self = shared_from_this()](
                                                                    const asio::error_code& ec) {
      if (self->finished_) return;
      if (ec) {
        self->owner_.context().stats.tls_handshake_failed.fetch_add(1, std::memory_order_relaxed);
        spdlog::debug("tls handshake failed remote={}: {}", self->remote_, ec.message());
        return self->finish();
      }
      self->wait_readable();
    });
    return;
  }
#endif
  asio::error_code ec;
  socket_.tcp().non_blocking(true, ec);
  // Read at once rather than wait first: a client sends its request as soon as it is
  // connected, so it is usually here already, and arming the wait would cost a reactor
  // round (an epoll_ctl) for nothing. Nothing there: on_readable() waits as usual.
  on_readable(asio::error_code());
}

void http_connection::wait_readable() {
  socket_.async_wait_input(shared_from_this(), &http_connection::on_readable,
                           &http_connection::on_tls_read);
}

void http_connection::on_readable(const asio::error_code& ec) {
  if (finished_ || ec == asio::error::operation_aborted) return;
  if (ec) return finish();
  char* buffer = owner_.read_buffer();
  asio::error_code read_ec;
  const std::size_t n =
      socket_.tcp().read_some(asio::buffer(buffer, owner_.read_buffer_size()), read_ec);
  if (read_ec == asio::error::would_block || read_ec == asio::error::try_again) {
    return wait_readable();
  }
  if (read_ec) return finish();  // EOF or reset
  feed(std::string_view(buffer, n));
  if (!serving_ && !finished_) wait_readable();
}

void http_connection::on_tls_read(const asio::error_code& ec, std::size_t n) {
  if (finished_ || ec == asio::error::operation_aborted) return;
  if (ec) return finish();  // EOF, reset or a TLS error
#ifdef WHISPER_HAVE_TLS
  feed(std::string_view(socket_.tls()->read_buffer.data(), n));
#else
  (void)n;
#endif
  if (!serving_ && !finished_) wait_readable();
}

void http_connection::feed(std::string_view bytes) {
  const std::size_t max_bytes = owner_.context().options.max_request_bytes;
  while (!bytes.empty() && !serving_ && !finished_) {
    if (!parser_) {
      parser_ = std::make_unique<websocketpp::http::parser::request>();
      parser_->set_max_body_size(max_bytes);
      request_bytes_ = 0;
      head_end_match_ = 0;
      head_.clear();
      head_checked_ = false;
      continue_sent_ = false;
    }
    std::size_t used = 0;
    try {
      used = parser_->consume(bytes.data(), bytes.size());
    } catch (const websocketpp::http::exception& e) {
      owner_.context().stats.http_requests.fetch_add(1, std::memory_order_relaxed);
      return refuse(static_cast<int>(e.m_error_code), e.what(), "malformed request");
    }
    request_bytes_ += used;
    track_head_end(bytes.substr(0, used));
    bytes.remove_prefix(used);
    if (head_end_match_ == 4 && !head_checked_) {
      // The raw head, before the parser's lenient reading of it frames the body.
      head_checked_ = true;
      if (auto problem = check_request_head(head_)) {
        owner_.context().stats.http_requests.fetch_add(1, std::memory_order_relaxed);
        return refuse(400, *problem, *problem);
      }
      std::string().swap(head_);
    }
    if (parser_->ready()) {
      // The limit covers head and body together.
      const std::size_t head_bytes = request_bytes_ - parser_->get_body().size();
      if (head_bytes > max_bytes)
        return refuse(431, "request header too large", "header too large");
      if (request_bytes_ > max_bytes) return refuse(413, "request too large", "request too large");
      leftover_.assign(bytes.data(), bytes.size());
      return dispatch();
    }
    if (request_bytes_ > max_bytes) {
      owner_.context().stats.http_requests.fetch_add(1, std::memory_order_relaxed);
      const bool in_body = !parser_->get_header("Content-Length").empty();
      return in_body ? refuse(413, "request too large", "request too large")
                     : refuse(431, "request header too large", "header too large");
    }
  }
  if (parser_ && !parser_->ready() && !serving_ && !finished_) maybe_send_continue();
}

void http_connection::track_head_end(std::string_view consumed) {
  static constexpr std::string_view head_end = "\r\n\r\n";
  // The same state machine as byte by byte, but the bytes that cannot start the end
  // (all but '\r' while nothing matched) are skipped with one search, and the head is
  // copied once per read rather than once per byte.
  std::size_t i = 0;
  while (i < consumed.size() && head_end_match_ != 4) {
    if (head_end_match_ == 0) {
      const std::size_t cr = consumed.find('\r', i);
      if (cr == std::string_view::npos) {
        i = consumed.size();
        break;
      }
      i = cr;
    }
    const char c = consumed[i++];
    if (c == head_end[static_cast<std::size_t>(head_end_match_)]) {
      ++head_end_match_;
    } else {
      head_end_match_ = c == '\r' ? 1 : 0;
    }
  }
  head_.append(consumed.data(), i);
}

void http_connection::maybe_send_continue() {
  // RFC 9110 §10.1.1: a client that sent "Expect: 100-continue" waits for this before
  // its body; only once the whole head is in (and was accepted by the parser).
  if (continue_sent_ || head_end_match_ != 4 || parser_->get_version() != "HTTP/1.1") return;
  const std::string expect = detail::to_lower(parser_->get_header("Expect"));
  if (expect != "100-continue") return;
  continue_sent_ = true;
  continue_writing_ = true;
  static constexpr std::string_view interim = "HTTP/1.1 100 Continue\r\n\r\n";
  auto done = [self = shared_from_this()](const asio::error_code& ec, std::size_t) {
    self->continue_writing_ = false;
    if (ec) return self->finish();
    if (!self->out_.empty()) self->start_write();  // the final answer came meanwhile
  };
  const auto buffer = asio::buffer(interim.data(), interim.size());
#ifdef WHISPER_HAVE_TLS
  if (tls_channel* tls = socket_.tls()) return asio::async_write(tls->stream, buffer, done);
#endif
  asio::async_write(socket_.tcp(), buffer, done);
}

void http_connection::dispatch() {
  server_context& ctx = owner_.context();
  ctx.stats.http_requests.fetch_add(1, std::memory_order_relaxed);
  whisper::request request;
  request.method = parser_->get_method();
  request.target = parser_->get_uri();
  split_target(request.target, request.path, request.query);
  for (const auto& [name, value] : parser_->get_headers()) {
    // websocketpp joins repeated headers with ", ": repeated Cookie headers become one
    // "; "-separated list again, as one Cookie header would have been.
    std::string key = detail::to_lower(name);
    request.headers.emplace_back(key, key == "cookie" ? unmerge_cookie_header(value) : value);
  }
  whisper::parse_request_cookies(request);  // once: pages and the authenticator read them
  request.body = parser_->get_body();
  client_ = ctx.options.trusted_proxies.client_address(remote_, request.headers);
  request.remote_address = client_;
  request.secure = socket_.secure();
  const bool http11 = parser_->get_version() == "HTTP/1.1";
  parser_.reset();  // the parsed request is all we keep
  serving_ = true;

  const auto connection = request.header("connection");
  keep_alive_ = http11 ? !(connection && header_has_token(*connection, "close"))
                       : (connection && header_has_token(*connection, "keep-alive"));
  if (ctx.stopping.load()) keep_alive_ = false;
  head_request_ = request.method == "HEAD";
  if (request.path == ctx.options.websocket_path) return upgrade(std::move(request));
  call_handler(std::move(request));
}

void http_connection::call_handler(whisper::request&& request) {
  auto state = std::make_shared<responder_state>();
  state->connection = weak_from_this();
  state->io = owner_.io_ptr();
  http_responder respond = [state](http_response response) { state->answer(std::move(response)); };
  const http_handler& handler = owner_.context().http;
  if (!handler) return respond(plain_response(404, "not found"));
  try {
    handler(std::move(request), respond);
  } catch (const std::exception& e) {
    spdlog::error("http handler failed for remote={}: {}", client_, e.what());
    respond(plain_response(500, "internal server error"));  // no-op if it had answered
  }
}

void http_connection::refuse(int status, std::string_view text, std::string_view log_reason) {
  refuse_with(plain_response(status, text), log_reason);
}

void http_connection::refuse_with(http_response response, std::string_view log_reason) {
  // Clients cause refusals at will (8 KB Origins, floods): one line a second per status
  // at most, client text escaped and cut short.
  if (const auto unlogged = owner_.context().refusal_log.admit(response.status)) {
    spdlog::info("http refused remote={} status={}: {}{}", client_, response.status,
                 log_text(log_reason, 300),
                 *unlogged == 0 ? std::string()
                                : " (" + std::to_string(*unlogged) +
                                      " more refusals with this status in the last second)");
  }
  parser_.reset();
  serving_ = true;
  keep_alive_ = false;  // the rest of the stream cannot be trusted to be framed right
  respond(response);
}

void http_connection::respond(const http_response& response) {
  if (finished_ || !serving_ || !out_.empty()) return;
  write(serialize_response(response, keep_alive_, head_request_, std::time(nullptr)));
}

void http_connection::write(std::string text) {
  out_ = std::move(text);
  if (!continue_writing_) start_write();  // else once the "100 Continue" is out
}

void http_connection::start_write() {
  auto done = [self = shared_from_this()](const asio::error_code& ec, std::size_t) {
    if (ec) return self->finish();
    self->on_written();
  };
#ifdef WHISPER_HAVE_TLS
  if (tls_channel* tls = socket_.tls()) {
    return asio::async_write(tls->stream, asio::buffer(out_), done);
  }
#endif
  asio::async_write(socket_.tcp(), asio::buffer(out_), done);
}

void http_connection::on_written() {
  out_ = std::string();
  serving_ = false;
  if (finished_) return;
  if (!keep_alive_ || owner_.context().stopping.load()) {
    asio::error_code ec;
    socket_.tcp().shutdown(asio::ip::tcp::socket::shutdown_send, ec);
    return finish();
  }
  last_activity_ = owner_.now();
  if (!leftover_.empty()) {
    const std::string rest = std::move(leftover_);
    leftover_.clear();
    feed(rest);
  }
  if (!serving_ && !finished_) wait_readable();
}

void http_connection::tick(steady_time now) {
  // Counted from the start of the request, not refreshed per byte: a client dribbling
  // a request (slowloris) is dropped all the same.
  if (!serving_ && now - last_activity_ >= owner_.context().options.limits.handshake_timeout) {
    finish();
  }
}

void http_connection::shutdown() {
  if (!serving_) return finish();
  keep_alive_ = false;  // answer the request in progress, then close
}

void http_connection::abort() {
  finish();
}

void http_connection::finish() {
  if (finished_) return;
  finished_ = true;
  auto self = shared_from_this();
  asio::error_code ec;
  socket_.tcp().close(ec);
  address_slot_.release();
  owner_.remove(this);
}

}  // namespace whisper::net
