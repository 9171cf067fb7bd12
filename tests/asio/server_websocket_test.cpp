// The WebSocket side of the transport, on real sockets: upgrade and its refusals, chat
// through the hub, the RFC 6455 rules as the server applies them, backpressure, shutdown.
#include <dirent.h>
#include <doctest/doctest.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include <cstdlib>
#include <thread>
#include <vector>

#include "support/test_server.hpp"
#include "support/ws_test_client.hpp"

using namespace whisper_test;
using namespace std::chrono_literals;

namespace {

// A client upgraded as user `name` that has joined the lobby.
std::unique_ptr<ws_test_client> joined_client(test_server& server, const std::string& name,
                                              int receive_buffer = 0) {
  auto client = std::make_unique<ws_test_client>(server.port(), receive_buffer);
  REQUIRE(client->upgrade("sessionid=good-" + name).status == 101);
  client->send_text(join_command(server.lobby()));
  REQUIRE(client->read_text_containing("\"join\"").has_value());
  return client;
}

// Waits (bounded) until a condition on the server holds.
template <typename Condition>
bool eventually(Condition condition, std::chrono::milliseconds timeout = 5s) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (condition()) return true;
    std::this_thread::sleep_for(10ms);
  }
  return condition();
}

// TCP_NODELAY of every accepted socket of the in-process server on `port` (the test's
// own descriptors, read through /proc/self/fd): the listener is skipped, as it has no peer.
std::vector<int> server_side_nodelay(std::uint16_t port) {
  std::vector<int> found;
  DIR* dir = ::opendir("/proc/self/fd");
  if (dir == nullptr) return found;
  while (const dirent* entry = ::readdir(dir)) {
    const int fd = std::atoi(entry->d_name);
    sockaddr_in local{};
    sockaddr_in peer{};
    socklen_t length = sizeof local;
    if (::getsockname(fd, reinterpret_cast<sockaddr*>(&local), &length) != 0 ||
        local.sin_family != AF_INET || ntohs(local.sin_port) != port) {
      continue;
    }
    length = sizeof peer;
    if (::getpeername(fd, reinterpret_cast<sockaddr*>(&peer), &length) != 0) continue;
    int nodelay = 0;
    length = sizeof nodelay;
    if (::getsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &nodelay, &length) == 0) {
      found.push_back(nodelay);
    }
  }
  ::closedir(dir);
  return found;
}

}  // namespace

TEST_CASE("an upgraded WebSocket sends without Nagle's delay (TCP_NODELAY)") {
  test_server server;
  auto client = joined_client(server, "alice");
  const std::vector<int> nodelay = server_side_nodelay(server.port());
  REQUIRE(nodelay.size() == 1);  // the server's end of alice's connection
  CHECK(nodelay[0] != 0);
}

TEST_CASE("upgrade with a valid session cookie answers 101 with the accept key") {
  test_server server;
  ws_test_client client(server.port());
  auto reply = client.upgrade("sessionid=good-alice");
  CHECK(reply.status == 101);
  CHECK(reply.has_header("Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo="));
  CHECK(server.server().stats().upgrades == 1);
  CHECK(eventually([&] { return server.server().stats().open_websockets == 1; }));
}

TEST_CASE("upgrade without a valid session is refused with 403 and no WebSocket") {
  test_server server;
  ws_test_client anonymous(server.port());
  CHECK(anonymous.upgrade("").status == 403);
  CHECK(anonymous.wait_disconnected());
  ws_test_client forged(server.port());
  CHECK(forged.upgrade("sessionid=bad").status == 403);
  CHECK(server.server().stats().refused_auth == 2);
  CHECK(server.server().stats().upgrades == 0);
}

TEST_CASE("upgrade from a foreign Origin is refused with 403; the own origin is accepted") {
  test_server server;
  ws_test_client foreign(server.port());
  CHECK(foreign.upgrade("sessionid=good-alice", "Origin: http://evil.example\r\n").status == 403);
  CHECK(server.server().stats().refused_origin == 1);
  ws_test_client own(server.port());
  CHECK(own.upgrade("sessionid=good-alice", "Origin: http://127.0.0.1\r\n").status == 101);
}

TEST_CASE("a malformed upgrade is a 400; an unsupported version a 426 naming version 13") {
  test_server server;
  ws_test_client plain(server.port());
  CHECK(plain.request("GET /chat/stream/ HTTP/1.1\r\nHost: x\r\n\r\n").status == 400);
  ws_test_client old_version(server.port());
  auto reply = old_version.request(
      "GET /chat/stream/ HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
      "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 8\r\n\r\n");
  CHECK(reply.status == 426);  // RFC 6455 §4.4
  CHECK(reply.has_header("Sec-WebSocket-Version: 13"));
  CHECK(server.server().stats().refused_other == 2);
}

TEST_CASE("two clients in a room exchange a message") {
  test_server server;
  auto alice = joined_client(server, "alice");
  auto bob = joined_client(server, "bob");
  alice->send_text(send_command(server.lobby(), "hello-from-alice"));
  auto at_bob = bob->read_text_containing("hello-from-alice");
  REQUIRE(at_bob.has_value());
  CHECK(at_bob->find("\"username\":\"alice\"") != std::string::npos);
  CHECK(alice->read_text_containing("hello-from-alice").has_value());  // the sender too
}

TEST_CASE("frames sent right behind the upgrade request are not lost") {
  test_server server;
  ws_test_client client(server.port());
  std::string bytes =
      "GET /chat/stream/ HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
      "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
      "Sec-WebSocket-Version: 13\r\nCookie: sessionid=good-alice\r\n\r\n" +
      client_frame(0x1, join_command(server.lobby()));
  client.send_raw(bytes);
  auto reply = client.read_reply();
  REQUIRE(reply.has_value());
  CHECK(reply->status == 101);
  CHECK(client.read_text_containing("\"join\"").has_value());
}

TEST_CASE("a disconnect is reported to the hub once: the others see one leave notice") {
  test_server server;
  auto alice = joined_client(server, "alice");
  {
    auto bob = joined_client(server, "bob");
    REQUIRE(alice->read_text_containing("\"msg_type\":4").has_value());  // bob entered
  }  // bob's socket closes without a closing handshake
  auto leave = alice->read_text_containing("\"msg_type\":5");
  REQUIRE(leave.has_value());
  CHECK(leave->find("bob") != std::string::npos);
  CHECK_FALSE(alice->read_text_containing("\"msg_type\":5", 300ms).has_value());
  CHECK(eventually([&] { return server.server().stats().open_websockets == 1; }));
}

TEST_CASE("a ping is answered with a pong carrying the same payload") {
  test_server server;
  auto client = joined_client(server, "alice");
  client->send_frame(0x9, "are-you-there");
  auto pong = client->read_frame();
  REQUIRE(pong.has_value());
  CHECK(pong->opcode == 0xA);
  CHECK(pong->payload == "are-you-there");
}

TEST_CASE("a frame over max_frame_bytes closes with 1009") {
  test_server server([](auto& o) { o.limits.max_frame_bytes = 1024; });
  auto client = joined_client(server, "alice");
  client->send_text(std::string(4096, 'x'));
  CHECK(client->read_close_code() == 1009);
  CHECK(client->wait_disconnected());
  CHECK(server.server().stats().closed_too_big == 1);
}

TEST_CASE("a binary frame closes with 1003") {
  test_server server;
  auto client = joined_client(server, "alice");
  client->send_frame(0x2, "\x01\x02\x03");
  CHECK(client->read_close_code() == 1003);
}

TEST_CASE("an unmasked frame closes with 1002") {
  test_server server;
  auto client = joined_client(server, "alice");
  client_frame_options unmasked;
  unmasked.masked = false;
  client->send_frame(0x1, join_command(server.lobby()), unmasked);
  CHECK(client->read_close_code() == 1002);
  CHECK(server.server().stats().closed_protocol == 1);
}

TEST_CASE("invalid UTF-8 in a text frame closes with 1007") {
  test_server server;
  auto client = joined_client(server, "alice");
  client->send_text("{\"command\":\"\xC0\xAF\"}");
  CHECK(client->read_close_code() == 1007);
}

TEST_CASE("a fragmented text message is reassembled into one command") {
  test_server server;
  ws_test_client client(server.port());
  REQUIRE(client.upgrade("sessionid=good-alice").status == 101);
  const std::string command = join_command(server.lobby());
  client_frame_options more;
  more.fin = false;
  client.send_frame(0x1, command.substr(0, 5), more);
  client.send_frame(0x9, "between");  // a control frame between fragments
  client.send_frame(0x0, command.substr(5, 7), more);
  client.send_frame(0x0, command.substr(12));
  auto pong = client.read_frame();
  REQUIRE(pong.has_value());
  CHECK(pong->opcode == 0xA);
  CHECK(client.read_text_containing("\"join\"").has_value());
}

TEST_CASE("a client close is echoed with its code and the connection ends") {
  test_server server;
  auto client = joined_client(server, "alice");
  client->send_frame(0x8, std::string("\x0F\xA0", 2) + "bye");  // 4000
  CHECK(client->read_close_code() == 4000);
  CHECK(client->wait_disconnected());
  CHECK(eventually([&] { return server.server().stats().open_websockets == 0; }));
}

TEST_CASE("a client that stops reading is disconnected; the others keep receiving") {
  test_server server([](auto& o) {
    o.limits.outbound_queue_bytes = 16 * 1024;
    o.limits.outbound_queue_frames = 64;
  });
  auto slow = joined_client(server, "slow", 4096);
  auto sender = joined_client(server, "sender");
  auto reader = joined_client(server, "reader");
  // The kernel buffers a few MB for the slow socket first: flood until the server gives
  // up on it (bounded), then some more to show the others are unaffected.
  const std::string padding(3900, 'p');
  int sent = 0, received = 0, after_slow = 0;
  while (sent < 5000 && after_slow < 50) {
    const std::string tag = "\"m" + std::to_string(sent) + "-";
    sender->send_text(send_command(server.lobby(), tag.substr(1) + padding));
    ++sent;
    if (sender->read_text_containing(tag).has_value() &&
        reader->read_text_containing(tag).has_value()) {
      ++received;
    }
    if (server.server().stats().closed_slow > 0) ++after_slow;
  }
  CHECK(received == sent);
  CHECK(after_slow == 50);
  CHECK(eventually([&] { return server.server().stats().open_websockets == 2; }));
  CHECK(slow->wait_disconnected());
}

TEST_CASE("an idle connection is pinged, and dropped when the ping goes unanswered") {
  test_server server([](auto& o) { o.limits.idle_timeout = std::chrono::seconds(1); });
  auto client = joined_client(server, "alice");
  auto ping = client->read_frame(3s);
  REQUIRE(ping.has_value());
  CHECK(ping->opcode == 0x9);
  // No pong and nothing else: dropped about one idle_timeout later.
  CHECK(client->wait_disconnected(4s));
}

TEST_CASE("stop() closes every WebSocket with 1001 and run() returns") {
  test_server server;
  auto alice = joined_client(server, "alice");
  auto bob = joined_client(server, "bob");
  std::thread stopper([&] { server.stop(3s); });
  CHECK(alice->read_close_code() == 1001);
  CHECK(bob->read_close_code() == 1001);
  // Complete the closing handshake for one, let the other time out.
  alice->send_frame(0x8, std::string("\x03\xE9", 2));
  stopper.join();
  CHECK(server.server().stats().open_websockets == 0);
}
