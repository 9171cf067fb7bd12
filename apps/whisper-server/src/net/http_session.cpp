#include "http_session.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <asio/post.hpp>
#include <asio/write.hpp>
#include <atomic>
#include <cctype>
#include <ctime>
#include <websocketpp/http/request.hpp>

#include "http_wire.hpp"
#include "whisper/auth.hpp"
#include "ws_connection.hpp"

namespace whisper_server::net {

namespace {

std::string lowercase(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

// Shared by every copy of one responder: the answer is posted to the session's thread
// once; a handler that drops its responder unanswered gets a 500 sent for it.
struct responder_state {
  std::weak_ptr<http_session> session;
  std::shared_ptr<asio::io_context> io;
  std::atomic<bool> done{false};

  void answer(http_response response) {
    if (done.exchange(true)) return;
    asio::post(*io, [weak = session, response = std::move(response)]() mutable {
      if (auto s = weak.lock()) s->respond(std::move(response));
    });
  }
  ~responder_state() {
    if (!done) answer(plain_response(500, "the request was not answered"));
  }
};

}  // namespace

http_session::http_session(worker& owner, asio::ip::tcp::socket socket, std::string remote_address)
    : owner_(owner), socket_(std::move(socket)), remote_(std::move(remote_address)) {}

http_session::~http_session() = default;

void http_session::start() {
  owner_.add(shared_from_this());
  last_activity_ = owner_.now();
  asio::error_code ec;
  socket_.non_blocking(true, ec);
  wait_readable();
}

void http_session::wait_readable() {
  socket_.async_wait(
      asio::ip::tcp::socket::wait_read,
      [self = shared_from_this()](const asio::error_code& ec) { self->on_readable(ec); });
}

void http_session::on_readable(const asio::error_code& ec) {
  if (finished_ || ec == asio::error::operation_aborted) return;
  if (ec) return finish();
  char* buffer = worker::read_buffer();
  asio::error_code read_ec;
  const std::size_t n = socket_.read_some(asio::buffer(buffer, worker::read_buffer_size), read_ec);
  if (read_ec == asio::error::would_block || read_ec == asio::error::try_again) {
    return wait_readable();
  }
  if (read_ec) return finish();  // EOF or reset
  feed(std::string_view(buffer, n));
  if (!serving_ && !finished_) wait_readable();
}

void http_session::feed(std::string_view bytes) {
  const std::size_t max_bytes = owner_.context().options.max_request_bytes;
  while (!bytes.empty() && !serving_ && !finished_) {
    if (!parser_) {
      parser_ = std::make_unique<websocketpp::http::parser::request>();
      parser_->set_max_body_size(max_bytes);
      request_bytes_ = 0;
    }
    std::size_t used = 0;
    try {
      used = parser_->consume(bytes.data(), bytes.size());
    } catch (const websocketpp::http::exception& e) {
      owner_.context().stats.http_requests.fetch_add(1, std::memory_order_relaxed);
      return refuse(static_cast<int>(e.m_error_code), e.what(), "malformed request");
    }
    request_bytes_ += used;
    bytes.remove_prefix(used);
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
}

void http_session::dispatch() {
  server_context& ctx = owner_.context();
  ctx.stats.http_requests.fetch_add(1, std::memory_order_relaxed);
  http_request request;
  request.method = parser_->get_method();
  request.target = parser_->get_uri();
  split_target(request.target, request.path, request.query);
  for (const auto& [name, value] : parser_->get_headers()) {
    request.headers.emplace_back(lowercase(name), value);
  }
  request.body = parser_->get_body();
  request.remote_address = remote_;
  const bool http11 = parser_->get_version() == "HTTP/1.1";
  parser_.reset();  // the parsed request is all we keep
  serving_ = true;

  const auto connection = request.header("connection");
  keep_alive_ = http11 ? !(connection && header_has_token(*connection, "close"))
                       : (connection && header_has_token(*connection, "keep-alive"));
  if (ctx.stopping.load()) keep_alive_ = false;
  head_request_ = request.method == "HEAD";
  if (request.header("transfer-encoding")) {
    return refuse(411, "chunked request bodies are not supported: send Content-Length",
                  "Transfer-Encoding");
  }
  if (request.path == ctx.options.websocket_path) return upgrade(std::move(request));
  call_handler(std::move(request));
}

void http_session::call_handler(http_request&& request) {
  auto state = std::make_shared<responder_state>();
  state->session = weak_from_this();
  state->io = owner_.io_ptr();
  http_responder respond = [state](http_response response) { state->answer(std::move(response)); };
  const http_handler& handler = owner_.context().http;
  if (!handler) return respond(plain_response(404, "not found"));
  try {
    handler(std::move(request), respond);
  } catch (const std::exception& e) {
    spdlog::error("http handler failed for remote={}: {}", remote_, e.what());
    respond(plain_response(500, "internal server error"));  // no-op if it had answered
  }
}

void http_session::upgrade(http_request&& request) {
  server_context& ctx = owner_.context();
  const auto upgrade_header = request.header("upgrade");
  const auto version = request.header("sec-websocket-version");
  const auto key = request.header("sec-websocket-key");
  if (request.method != "GET" || !upgrade_header ||
      !header_has_token(*upgrade_header, "websocket") || !key || key->empty()) {
    ctx.stats.refused_other.fetch_add(1, std::memory_order_relaxed);
    return refuse(400, "a WebSocket upgrade was expected here", "not a WebSocket upgrade");
  }
  if (!version || *version != "13") {
    ctx.stats.refused_other.fetch_add(1, std::memory_order_relaxed);
    auto response = plain_response(400, "unsupported WebSocket version");
    response.headers.emplace_back("Sec-WebSocket-Version", "13");
    return refuse_with(std::move(response), "unsupported Sec-WebSocket-Version");
  }
  const auto origin = request.header("origin");
  if (!whisper::origin_allowed(origin, request.header("host").value_or(""),
                               ctx.options.allowed_hosts)) {
    ctx.stats.refused_origin.fetch_add(1, std::memory_order_relaxed);
    return refuse(403, "origin not allowed", "origin " + std::string(*origin) + " not allowed");
  }

  whisper::handshake hs;
  hs.path = request.path;
  hs.query = request.query;
  for (const auto& [name, value] : request.headers) {
    if (name != "cookie") continue;
    for (auto& cookie : whisper::parse_cookies(value)) hs.cookies.insert(std::move(cookie));
  }
  hs.remote_address = remote_;
  const std::string response_101 = switching_protocols_response(*key);
  hs.headers = std::move(request.headers);

  whisper::auth_result result;
  try {
    result = ctx.authenticate ? ctx.authenticate(hs)
                              : whisper::auth_result::refuse("no authenticator configured");
  } catch (const std::exception& e) {
    spdlog::error("authenticator failed for remote={}: {}", remote_, e.what());
    ctx.stats.refused_other.fetch_add(1, std::memory_order_relaxed);
    return refuse(500, "internal server error", "authenticator failed");
  }
  if (!result) {
    ctx.stats.refused_auth.fetch_add(1, std::memory_order_relaxed);
    const int status = result.status >= 400 && result.status < 600 ? result.status : 403;
    return refuse(status, reason_phrase(status), "not authenticated: " + result.reason);
  }

  // Accepted: the socket moves to a ws_connection; this session and its request go away.
  ctx.stats.upgrades.fetch_add(1, std::memory_order_relaxed);
  auto self = shared_from_this();
  finished_ = true;
  owner_.remove(this);
  auto conn =
      std::make_shared<ws_connection>(owner_, std::move(socket_), std::move(*result.who), remote_);
  const std::string early = std::move(leftover_);
  conn->start(response_101, early);
}

void http_session::refuse(int status, std::string_view text, std::string_view log_reason) {
  refuse_with(plain_response(status, text), log_reason);
}

void http_session::refuse_with(http_response response, std::string_view log_reason) {
  spdlog::info("http refused remote={} status={}: {}", remote_, response.status, log_reason);
  parser_.reset();
  serving_ = true;
  keep_alive_ = false;  // the rest of the stream cannot be trusted to be framed right
  respond(std::move(response));
}

void http_session::respond(http_response response) {
  if (finished_ || !serving_ || !out_.empty()) return;
  write(serialize_response(response, keep_alive_, head_request_, std::time(nullptr)));
}

void http_session::write(std::string text) {
  out_ = std::move(text);
  asio::async_write(socket_, asio::buffer(out_),
                    [self = shared_from_this()](const asio::error_code& ec, std::size_t) {
                      if (ec) return self->finish();
                      self->on_written();
                    });
}

void http_session::on_written() {
  out_ = std::string();
  serving_ = false;
  if (finished_) return;
  if (!keep_alive_ || owner_.context().stopping.load()) {
    asio::error_code ec;
    socket_.shutdown(asio::ip::tcp::socket::shutdown_send, ec);
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

void http_session::tick(steady_time now) {
  // Counted from the start of the request, not refreshed per byte: a client dribbling
  // a request (slowloris) is dropped all the same.
  if (!serving_ && now - last_activity_ >= owner_.context().options.limits.handshake_timeout) {
    finish();
  }
}

void http_session::shutdown() {
  if (!serving_) return finish();
  keep_alive_ = false;  // answer the request in progress, then close
}

void http_session::abort() {
  finish();
}

void http_session::finish() {
  if (finished_) return;
  finished_ = true;
  auto self = shared_from_this();
  asio::error_code ec;
  socket_.close(ec);
  owner_.remove(this);
}

}  // namespace whisper_server::net
