// Pings and pongs from the client on real sockets: they count against the command rate
// limit (a flood is closed with 1008), and pongs go through the bounded outbound queue
// (a client that pings without reading is dropped as a slow reader).
#include <doctest/doctest.h>

#include <string>
#include <thread>

#include "support/test_server.hpp"
#include "support/ws_test_client.hpp"

using namespace whisper_test;
using namespace std::chrono_literals;

namespace {

std::string many_pings(int count) {
  std::string out;
  for (int i = 0; i < count; ++i) out += client_frame(0x9, "");
  return out;
}

// The shipped defaults, stated here so the counts below do not depend on test_server's.
void default_rate_limit(whisper::net::server_options& o) {
  o.limits.commands_per_second = 20;
  o.limits.command_burst = 40;
  o.limits.rate_limit_strikes = 50;
}

}  // namespace

TEST_CASE("a client flooding pings gets the burst answered, then is closed with 1008") {
  test_server server(default_rate_limit);
  ws_test_client client(server.port());
  REQUIRE(client.upgrade("sessionid=good-alice").status == 101);
  client.send_raw(many_pings(1000));
  int pongs = 0;
  int close_code = 0;
  for (int frames = 0; frames < 2000 && close_code == 0; ++frames) {
    const auto frame = client.read_frame(5s);
    REQUIRE(frame.has_value());
    if (frame->opcode == 0xA) ++pongs;
    if (frame->opcode == 0x8) close_code = frame->close_code();
  }
  CHECK(close_code == 1008);
  // The burst, and the tokens of the short time the flood took; far from 1000.
  CHECK(pongs >= 40);
  CHECK(pongs < 100);
}

TEST_CASE("unsolicited pongs count against the same limit") {
  test_server server(default_rate_limit);
  ws_test_client client(server.port());
  REQUIRE(client.upgrade("sessionid=good-alice").status == 101);
  std::string pongs;
  for (int i = 0; i < 1000; ++i) pongs += client_frame(0xA, "");
  client.send_raw(pongs);
  CHECK(client.read_close_code() == 1008);
}

TEST_CASE("pings at a modest rate are all answered") {
  test_server server(default_rate_limit);
  ws_test_client client(server.port());
  REQUIRE(client.upgrade("sessionid=good-alice").status == 101);
  // 70 pings in about 4 s: more than the burst, less than the burst and the rate allow.
  for (int i = 0; i < 70; ++i) {
    std::this_thread::sleep_for(60ms);
    client.send_frame(0x9, "p" + std::to_string(i));
    const auto pong = client.read_frame();
    REQUIRE(pong.has_value());
    CHECK(pong->opcode == 0xA);
    CHECK(pong->payload == "p" + std::to_string(i));
  }
}

TEST_CASE("a client that pings and never reads is dropped: pongs are bounded by the queue") {
  test_server server([](auto& o) {
    o.limits.commands_per_second = 0;  // no rate limit: only the queue bound is left
    o.limits.outbound_queue_frames = 64;
    o.limits.handshake_timeout = std::chrono::seconds(1);  // the closing handshake's too
  });
  ws_test_client client(server.port(), 4096);
  REQUIRE(client.upgrade("sessionid=good-alice").status == 101);
  // The kernel buffers some pongs first: ping until the server gives up (bounded).
  const std::string batch = many_pings(1000);
  const auto deadline = std::chrono::steady_clock::now() + 30s;
  while (server.server().stats().closed_slow == 0 && std::chrono::steady_clock::now() < deadline) {
    client.send_raw(batch);
  }
  CHECK(server.server().stats().closed_slow == 1);
  CHECK(client.wait_disconnected(5s));
}
