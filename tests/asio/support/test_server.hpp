// An in-process whisper-server transport for tests: memory stores, the in-process
// channel layer, a cookie authenticator ("sessionid=good-<name>" is user <name>), and
// the server running on its own thread on 127.0.0.1 with a free port.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <thread>

#include "whisper/asio/server.hpp"
#include "whisper/whisper.hpp"

namespace whisper_test {

/// Thread safety: construct and destroy on one thread; the server runs on its own.
class test_server {
 public:
  using configure_fn = std::function<void(whisper::net::server_options&)>;
  using configure_chat_fn = std::function<void(whisper::hub_options&)>;

  explicit test_server(configure_fn configure = {}, whisper::net::http_handler http = {},
                       configure_chat_fn configure_chat = {});
  ~test_server();
  test_server(const test_server&) = delete;
  test_server& operator=(const test_server&) = delete;

  std::uint16_t port() const { return server_->port(); }
  whisper::net::server& server() { return *server_; }
  whisper::chat_hub& hub() { return *hub_; }
  /// A room every test user may join.
  whisper::room_id lobby() const { return lobby_; }
  /// Stops the server (if not yet) and waits for run() to return.
  void stop(std::chrono::milliseconds grace = std::chrono::seconds(5));

 private:
  whisper::memory_room_directory rooms_;
  whisper::memory_presence presence_;
  whisper::in_process_channel_layer layer_;
  std::unique_ptr<whisper::chat_hub> hub_;
  std::unique_ptr<whisper::net::server> server_;
  std::thread thread_;
  whisper::room_id lobby_ = 0;
};

/// The `join` command for a room, as a client sends it.
std::string join_command(whisper::room_id room);
/// The `send` command.
std::string send_command(whisper::room_id room, std::string_view message);

}  // namespace whisper_test
