// The chat over WebSocket on your own asio::io_context, with your own token auth: the
// whisper::asio component (whisper::net::server) serves the hub, and every other HTTP
// request goes to your handler. No database: users live in a small map.
//
// Run it and connect a WebSocket client to ws://127.0.0.1:8000/chat/stream/?token=t0k3n-alice
// Run with --self-test to upgrade once with a good and once with a forged token.
#include <asio.hpp>
#include <chrono>
#include <csignal>
#include <cstring>
#include <iostream>
#include <map>
#include <string>
#include <thread>
#include <whisper/asio/server.hpp>
#include <whisper/whisper.hpp>

namespace {

const std::map<std::string, whisper::user> users_by_token = {
    {"t0k3n-alice", {1, "alice", "Alice", false, true}},
    {"t0k3n-bob", {2, "bob", "Bob", false, true}},
};

// The first line of the server's answer to a WebSocket upgrade with `token`.
std::string upgrade_status(std::uint16_t port, const std::string& token) {
  asio::io_context io;
  asio::ip::tcp::socket socket(io);
  socket.connect({asio::ip::make_address("127.0.0.1"), port});
  asio::write(socket, asio::buffer("GET /chat/stream/?token=" + token +
                                   " HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
                                   "Connection: Upgrade\r\nSec-WebSocket-Version: 13\r\n"
                                   "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n"));
  asio::streambuf answer;
  asio::read_until(socket, answer, "\r\n");
  std::string line;
  std::getline(std::istream(&answer), line);
  return line;
}

}  // namespace

int main(int argc, char** argv) {
  const bool self_test = argc > 1 && std::strcmp(argv[1], "--self-test") == 0;
  whisper::in_process_channel_layer layer;
  whisper::memory_room_directory rooms;
  whisper::memory_presence presence;
  whisper::chat_hub hub(layer, rooms, presence);
  rooms.create("Lobby", false);

  whisper::authenticator auth = [](const whisper::request& h) {
    const auto token = h.query_param("token");
    const auto found = token ? users_by_token.find(*token) : users_by_token.end();
    if (found == users_by_token.end()) return whisper::auth_result::refuse("unknown token", 401);
    return whisper::auth_result::accept(found->second);
  };
  auto pages = [](whisper::request&&, const whisper::net::http_responder& respond) {
    respond({200, {{"Content-Type", "text/plain"}}, "connect to /chat/stream/?token=...\n"});
  };

  asio::io_context io;  // yours: the server's connections and timers run on it
  whisper::net::server_options options;
  options.port = self_test ? 0 : 8000;
  whisper::net::server server(options, hub, auth, pages, io);
  server.listen();
  server.start();

  std::thread client;
  std::string alice, forged;
  if (self_test) {
    client = std::thread([&] {
      alice = upgrade_status(server.port(), "t0k3n-alice");
      forged = upgrade_status(server.port(), "forged");
      asio::post(io, [&] { server.stop(std::chrono::seconds(1)); });
    });
  } else {
    asio::signal_set signals(io, SIGINT, SIGTERM);
    signals.async_wait([&](const asio::error_code&, int) { server.stop(); });
  }
  io.run();  // returns once the server has stopped and nothing else is left to do
  if (!self_test) return 0;
  client.join();
  std::cout << "alice: " << alice << "\nforged: " << forged << '\n';
  const bool ok =
      alice.find(" 101 ") != std::string::npos && forged.find(" 401 ") != std::string::npos;
  return ok ? 0 : 1;
}
