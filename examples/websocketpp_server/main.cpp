// libwhisper behind a stock websocketpp server, for embedders who already run one.
//
// websocketpp owns the sockets, the HTTP upgrade and the WebSocket framing; libwhisper
// owns the chat. The glue is four handlers and one small class:
//   validate -> fill a whisper::request from the upgrade request, check the Origin and
//               authenticate (here: a token cookie looked up in the application's users)
//   open     -> hub.connect(): the connection gets its consumer
//   message  -> consumer->on_text()
//   close    -> consumer->on_close() (also on a failed connection)
// and ws_connection, the whisper::connection that writes the core's frames.
//
// Every websocketpp call happens on the one thread that runs the io_service (main's):
// the handlers run there, and ws_connection posts its writes there, because the core
// may queue a frame from any thread.
//
// Usage: example-websocketpp_server [PORT]   (0 or none: any free port; printed)
// Then connect to ws://127.0.0.1:PORT/chat/stream/ with the cookie token=t0k3n-alice.
// websocketpp 0.8.2 wants C++17 (not 20) and, here, standalone Asio and the C++11
// standard library instead of Boost.
#ifndef ASIO_STANDALONE
#define ASIO_STANDALONE
#endif
#ifndef _WEBSOCKETPP_CPP11_STL_
// NOLINTNEXTLINE(bugprone-reserved-identifier): websocketpp's own name for the switch
#define _WEBSOCKETPP_CPP11_STL_
#endif
#include <algorithm>
#include <atomic>
#include <cctype>
#include <cstdint>
#include <cstdlib>
#include <iostream>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <websocketpp/config/asio_no_tls.hpp>
#include <websocketpp/server.hpp>
#include <whisper/whisper.hpp>

namespace {

using server = websocketpp::server<websocketpp::config::asio>;
using websocketpp::connection_hdl;

// The application's own users, by token. A real program asks its own user store.
const std::map<std::string, whisper::user, std::less<>> users_by_token = {
    {"t0k3n-alice", {1, "alice", "Alice", false, true}},
    {"t0k3n-bob", {2, "bob", "Bob", false, true}},
};

whisper::auth_result authenticate(const whisper::request& h) {
  const auto token = h.cookie("token");
  const auto found = token ? users_by_token.find(*token) : users_by_token.end();
  if (found == users_by_token.end()) return whisper::auth_result::refuse("no valid token", 401);
  return whisper::auth_result::accept(found->second);
}

// What the core needs to know of an upgrade request, from websocketpp's request.
whisper::request request_of(server::connection_type& con) {
  whisper::request h;
  const std::string& resource = con.get_resource();  // path?query
  const auto question = resource.find('?');
  h.method = con.get_request().get_method();
  h.target = resource;
  h.path = resource.substr(0, question);
  if (question != std::string::npos) h.query = resource.substr(question + 1);
  for (const auto& [name, value] : con.get_request().get_headers()) {
    std::string lower = name;
    std::transform(lower.begin(), lower.end(), lower.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    h.headers.emplace_back(std::move(lower), value);
  }
  h.cookies = whisper::parse_cookies(con.get_request_header("Cookie"));
  asio::error_code ec;
  const auto peer = con.get_raw_socket().remote_endpoint(ec);
  if (!ec) h.remote_address = peer.address().to_string();
  return h;
}

// The core's side of one websocketpp connection.
//
// queue() may be called from any thread (a broadcast runs on the thread of the client
// that sent to the room; a Redis channel layer delivers on its own). websocketpp's manual
// calls send() thread-safe with this config, yet calling it from other threads is
// reported to crash under load (websocketpp issue #583). Posting costs one handler and
// settles the question: queue() only counts and posts, and the send happens on the
// io_service's thread, in posting order (frames queued before close() are written
// before the close frame).
//
// The bound (limits::outbound_queue_bytes) is checked where each number is exact:
// queue() counts the bytes posted and not yet handed to websocketpp, and answers
// overflow past the bound (the core then closes the connection, 1013); on the io thread,
// websocketpp's own buffer of bytes the socket has not taken yet counts too, and a reader
// that far behind is closed the same way. Nothing is buffered without limit.
class ws_connection final : public whisper::connection,
                            public std::enable_shared_from_this<ws_connection> {
 public:
  ws_connection(server& srv, connection_hdl hdl, std::size_t max_bytes)
      : server_(srv), hdl_(std::move(hdl)), max_bytes_(max_bytes) {}

  whisper::queue_result queue(whisper::payload_ptr frame) override {
    if (closing_) return whisper::queue_result::closed;
    const std::size_t size = frame->size();
    if (posted_bytes_.fetch_add(size) + size > max_bytes_) {
      posted_bytes_.fetch_sub(size);
      return whisper::queue_result::overflow;
    }
    asio::post(server_.get_io_service(),
               [self = shared_from_this(), frame = std::move(frame)] { self->write(*frame); });
    return whisper::queue_result::queued;
  }

  void close(int code, std::string_view reason) override {
    if (closing_.exchange(true)) return;  // idempotent
    asio::post(server_.get_io_service(),
               [self = shared_from_this(), code, why = std::string(reason)] {
                 self->close_now(static_cast<websocketpp::close::status::value>(code), why);
               });
  }

 private:
  // On the io thread.
  void write(const std::string& frame) {
    posted_bytes_.fetch_sub(frame.size());
    websocketpp::lib::error_code ec;
    const auto con = server_.get_con_from_hdl(hdl_, ec);
    if (ec) return;  // already gone
    if (con->get_buffered_amount() + frame.size() > max_bytes_) {
      closing_ = true;
      return close_now(
          static_cast<websocketpp::close::status::value>(whisper::close_code::try_again_later),
          "too slow");
    }
    // An error here means the connection is closing: the frame is dropped, as for closed.
    con->send(frame, websocketpp::frame::opcode::text);
  }

  void close_now(websocketpp::close::status::value code, const std::string& reason) {
    websocketpp::lib::error_code ignored;  // not open any more: nothing to close
    server_.close(hdl_, code, reason, ignored);
  }

  server& server_;
  connection_hdl hdl_;
  const std::size_t max_bytes_;
  std::atomic<std::size_t> posted_bytes_{0};
  std::atomic<bool> closing_{false};
};

// One client, from the upgrade to the close. Touched on the io thread only.
struct client {
  whisper::auth_result auth;                    // from validate
  std::shared_ptr<whisper::consumer> consumer;  // from open
};

}  // namespace

int main(int argc, char** argv) {
  const auto port = static_cast<std::uint16_t>(argc > 1 ? std::atoi(argv[1]) : 0);

  whisper::in_process_channel_layer layer;
  whisper::memory_room_directory rooms;
  whisper::memory_presence presence;
  whisper::chat_hub hub(layer, rooms, presence);
  rooms.create("Lobby", false);
  const whisper::limits& limits = hub.options().limits;

  server srv;
  srv.clear_access_channels(websocketpp::log::alevel::all);  // quiet: no line per frame
  srv.clear_error_channels(websocketpp::log::elevel::info);  // nor for each shutdown step
  srv.init_asio();
  srv.set_reuse_addr(true);
  srv.set_max_message_size(limits.max_frame_bytes);  // bigger: websocketpp closes, 1009

  // Handlers run one at a time on the io thread: this map needs no lock.
  std::map<connection_hdl, client, std::owner_less<connection_hdl>> clients;

  srv.set_validate_handler([&](const connection_hdl& hdl) {
    const auto con = srv.get_con_from_hdl(hdl);
    const whisper::request h = request_of(*con);
    // Cross-site WebSocket hijacking: a browser page from another site carries the
    // user's cookie, but its Origin names that site.
    if (h.path != "/chat/stream/" ||
        !whisper::origin_allowed(h.header("origin"), h.header("host").value_or(""), {})) {
      con->set_status(websocketpp::http::status_code::forbidden);
      return false;
    }
    auto result = authenticate(h);
    if (!result) {
      con->set_status(static_cast<websocketpp::http::status_code::value>(result.status));
      return false;
    }
    clients[hdl].auth = std::move(result);
    return true;
  });

  srv.set_open_handler([&](const connection_hdl& hdl) {
    client& c = clients[hdl];
    auto conn = std::make_shared<ws_connection>(srv, hdl, limits.outbound_queue_bytes);
    c.consumer = hub.connect(std::move(conn), *c.auth.who, c.auth.session);
  });

  srv.set_message_handler([&](const connection_hdl& hdl, const server::message_ptr& msg) {
    const auto found = clients.find(hdl);
    if (found == clients.end() || !found->second.consumer) return;
    if (msg->get_opcode() != websocketpp::frame::opcode::text) {
      websocketpp::lib::error_code ignored;
      srv.close(hdl, websocketpp::close::status::unsupported_data, "text frames only", ignored);
      return;
    }
    found->second.consumer->on_text(msg->get_payload());
  });

  // Closed, or failed before or after opening: the consumer (if any) leaves its rooms.
  const auto forget = [&](const connection_hdl& hdl) {
    const auto found = clients.find(hdl);
    if (found == clients.end()) return;
    if (found->second.consumer) found->second.consumer->on_close();
    clients.erase(found);
  };
  srv.set_close_handler(forget);
  srv.set_fail_handler(forget);

  // Ctrl-C or SIGTERM: stop accepting, close every client (1001); run() then returns.
  asio::signal_set signals(srv.get_io_service(), SIGINT, SIGTERM);
  signals.async_wait([&](const asio::error_code&, int) {
    websocketpp::lib::error_code ignored;
    srv.stop_listening(ignored);
    for (const auto& entry : clients) {
      srv.close(entry.first, websocketpp::close::status::going_away, "server stopping", ignored);
    }
  });

  srv.listen(asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
  srv.start_accept();
  asio::error_code ec;
  std::cout << "listening on 127.0.0.1:" << srv.get_local_endpoint(ec).port() << std::endl;
  srv.run();
  return 0;
}
