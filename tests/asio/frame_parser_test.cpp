#include "frame_parser.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <random>
#include <string>
#include <vector>

#include "opcode.hpp"
#include "support/client_frames.hpp"

namespace net = whisper::net;
using whisper_test::client_frame;
using whisper_test::client_frame_options;
using type = net::frame_event::type;

namespace {

// Feeds all bytes (optionally in chunks of `chunk`) and collects every event.
std::vector<net::frame_event> parse_all(net::frame_parser& parser, const std::string& bytes,
                                        std::size_t chunk = 0) {
  std::vector<net::frame_event> events;
  const std::size_t step = chunk == 0 ? bytes.size() : chunk;
  for (std::size_t at = 0; at < bytes.size(); at += step) {
    std::string_view input = std::string_view(bytes).substr(at, step);
    while (auto event = parser.next(input)) events.push_back(std::move(*event));
  }
  return events;
}

net::frame_event only_event(const std::string& bytes, std::size_t max = 1024) {
  net::frame_parser parser(max);
  auto events = parse_all(parser, bytes);
  REQUIRE(events.size() == 1);
  return events.front();
}

client_frame_options fragment() {
  client_frame_options o;
  o.fin = false;
  return o;
}

}  // namespace

TEST_CASE("parser: a masked text frame yields its unmasked message") {
  auto event = only_event(client_frame(net::opcode::text, R"({"command":"join","room":1})"));
  CHECK(event.kind == type::text);
  CHECK(event.payload == R"({"command":"join","room":1})");
}

TEST_CASE("parser: frames split at every byte boundary parse the same") {
  const std::string msg(300, 'x');  // 16-bit length
  const std::string bytes = client_frame(net::opcode::text, msg) +
                            client_frame(net::opcode::ping, "p") +
                            client_frame(net::opcode::text, "");
  for (std::size_t chunk : {1, 2, 3, 7, 13, 64}) {
    net::frame_parser parser(1024);
    auto events = parse_all(parser, bytes, chunk);
    REQUIRE(events.size() == 3);
    CHECK(events[0].payload == msg);
    CHECK(events[1].kind == type::ping);
    CHECK(events[1].payload == "p");
    CHECK(events[2].kind == type::text);
    CHECK(events[2].payload.empty());
  }
}

TEST_CASE("parser: 64-bit lengths are read and a set top bit is a protocol error") {
  const std::string big(70000, 'a');
  auto event = only_event(client_frame(net::opcode::text, big), 100000);
  CHECK(event.payload == big);

  client_frame_options lying;
  lying.announced_length = 0x8000000000000000ULL;
  auto failure = only_event(client_frame(net::opcode::text, "", lying));
  CHECK(failure.kind == type::fail);
  CHECK(failure.code == 1002);
}

TEST_CASE("parser: an unmasked client frame is a protocol error") {
  client_frame_options o;
  o.masked = false;
  auto event = only_event(client_frame(net::opcode::text, "hi", o));
  CHECK(event.kind == type::fail);
  CHECK(event.code == 1002);
}

TEST_CASE("parser: reserved bits and reserved opcodes are protocol errors") {
  client_frame_options o;
  o.rsv = 4;
  CHECK(only_event(client_frame(net::opcode::text, "hi", o)).code == 1002);
  for (std::uint8_t op : {3, 7, 0xB, 0xF}) {
    auto event = only_event(client_frame(op, "x"));
    CHECK(event.kind == type::fail);
    CHECK(event.code == 1002);
  }
}

TEST_CASE("parser: fragments are reassembled, with control frames between them") {
  const std::string bytes = client_frame(net::opcode::text, "Hel", fragment()) +
                            client_frame(net::opcode::ping, "mid") +
                            client_frame(net::opcode::continuation, "lo ", fragment()) +
                            client_frame(net::opcode::continuation, "world");
  net::frame_parser parser(1024);
  auto events = parse_all(parser, bytes);
  REQUIRE(events.size() == 2);
  CHECK(events[0].kind == type::ping);
  CHECK(events[1].kind == type::text);
  CHECK(events[1].payload == "Hello world");
}

TEST_CASE(
    "parser: control frames between fragments, split at every byte, leave the message whole") {
  const std::string bytes =
      client_frame(net::opcode::text, "Hel", fragment()) + client_frame(net::opcode::ping, "") +
      client_frame(net::opcode::continuation, "lo ", fragment()) +
      client_frame(net::opcode::pong, "mid") + client_frame(net::opcode::continuation, "world") +
      client_frame(net::opcode::ping, "after") +
      client_frame(net::opcode::close, std::string("\x03\xe8"
                                                   "bye"));
  for (std::size_t chunk : {1, 2, 5, 64}) {
    net::frame_parser parser(11);  // exactly "Hello world": control payloads do not count
    auto events = parse_all(parser, bytes, chunk);
    REQUIRE(events.size() == 5);
    CHECK(events[0].kind == type::ping);
    CHECK(events[0].payload.empty());
    CHECK(events[1].kind == type::pong);
    CHECK(events[1].payload == "mid");
    CHECK(events[2].kind == type::text);
    CHECK(events[2].payload == "Hello world");
    CHECK(events[3].payload == "after");
    CHECK(events[4].kind == type::close);
    CHECK(events[4].code == 1000);
    CHECK(events[4].payload == "bye");
  }
}

TEST_CASE("parser: continuation without a message and text inside a message are errors") {
  CHECK(only_event(client_frame(net::opcode::continuation, "x")).code == 1002);
  net::frame_parser parser(1024);
  auto events = parse_all(parser, client_frame(net::opcode::text, "a", fragment()) +
                                      client_frame(net::opcode::text, "b"));
  REQUIRE(events.size() == 1);
  CHECK(events[0].code == 1002);
}

TEST_CASE("parser: control frames must be final and at most 125 bytes") {
  client_frame_options o = fragment();
  CHECK(only_event(client_frame(net::opcode::ping, "x", o)).code == 1002);
  CHECK(only_event(client_frame(net::opcode::ping, std::string(126, 'p'))).code == 1002);
  auto ok = only_event(client_frame(net::opcode::ping, std::string(125, 'p')));
  CHECK(ok.kind == type::ping);
  CHECK(ok.payload.size() == 125);
  CHECK(only_event(client_frame(net::opcode::pong, "x")).kind == type::pong);
}

TEST_CASE("parser: binary frames close with 1003") {
  auto event = only_event(client_frame(net::opcode::binary, "\x01\x02"));
  CHECK(event.kind == type::fail);
  CHECK(event.code == 1003);
}

TEST_CASE("parser: a frame over the limit fails from its header, before its payload") {
  net::frame_parser parser(100);
  // Only the header of a 1 MiB frame: the failure must not wait for the payload.
  std::string header = client_frame(net::opcode::text, std::string(1 << 20, 'a')).substr(0, 14);
  auto events = parse_all(parser, header);
  REQUIRE(events.size() == 1);
  CHECK(events[0].code == 1009);
}

TEST_CASE("parser: a reassembled message over the limit closes with 1009") {
  net::frame_parser parser(10);
  auto events = parse_all(parser, client_frame(net::opcode::text, "123456", fragment()) +
                                      client_frame(net::opcode::continuation, "789012"));
  REQUIRE(events.size() == 1);
  CHECK(events[0].code == 1009);
}

TEST_CASE("parser: invalid UTF-8 closes with 1007, also when split across fragments") {
  CHECK(only_event(client_frame(net::opcode::text, "\xC0\xAF")).code == 1007);
  // A valid character split between two fragments is fine...
  net::frame_parser parser(64);
  auto ok = parse_all(parser, client_frame(net::opcode::text, "\xE2\x82", fragment()) +
                                  client_frame(net::opcode::continuation, "\xAC"));
  REQUIRE(ok.size() == 1);
  CHECK(ok[0].payload == "\xE2\x82\xAC");
  // ...but a message ending inside a character is not.
  CHECK(only_event(client_frame(net::opcode::text, "ok\xE2\x82")).code == 1007);
}

TEST_CASE("parser: a close frame reports its code and reason, then nothing more") {
  net::frame_parser parser(1024);
  auto events = parse_all(parser, client_frame(net::opcode::close,
                                               "\x03\xE8"
                                               "bye") +
                                      client_frame(net::opcode::text, "after"));
  REQUIRE(events.size() == 1);
  CHECK(events[0].kind == type::close);
  CHECK(events[0].code == 1000);
  CHECK(events[0].payload == "bye");
  // Finished: the parser takes no more bytes.
  std::string_view more("\x81\x80\0\0\0\0", 6);
  CHECK_FALSE(parser.next(more));
  CHECK(more.size() == 6);
}

TEST_CASE("parser: close payloads are validated") {
  CHECK(only_event(client_frame(net::opcode::close, "")).code == 1005);
  CHECK(only_event(client_frame(net::opcode::close, "\x03")).code == 1002);
  CHECK(only_event(client_frame(net::opcode::close, "\x03\xED")).code == 1002);  // 1005
  CHECK(only_event(client_frame(net::opcode::close, "\x03\xE8\xC0")).code == 1007);
  CHECK(only_event(client_frame(net::opcode::close, "\x0F\xA0")).code == 4000);
}

TEST_CASE("parser: random messages, fragmentations and read sizes all round-trip") {
  std::mt19937 random(12345);  // fixed seed: a failure reproduces
  auto pick = [&](std::size_t low, std::size_t high) {
    return std::uniform_int_distribution<std::size_t>(low, high)(random);
  };
  const std::string alphabet[] = {"a", "Z", " ", "\xC3\xA9", "\xE2\x82\xAC", "\xF0\x9F\x98\x80"};
  for (int round = 0; round < 200; ++round) {
    std::vector<std::string> messages;
    std::string wire;
    for (std::size_t m = pick(1, 5); m > 0; --m) {
      std::string text;
      for (std::size_t c = pick(0, 400); c > 0; --c) text += alphabet[pick(0, 5)];
      messages.push_back(text);
      // Cut anywhere, even inside a character: validation must span fragments.
      std::size_t at = 0;
      bool first = true;
      while (true) {
        const std::size_t piece = std::min(text.size() - at, pick(0, 300));
        client_frame_options o;
        o.fin = at + piece == text.size();
        o.mask = {
            {static_cast<std::uint8_t>(pick(0, 255)), 1, 2, static_cast<std::uint8_t>(round)}};
        wire += client_frame(first ? net::opcode::text : net::opcode::continuation,
                             std::string_view(text).substr(at, piece), o);
        if (pick(0, 3) == 0) wire += client_frame(net::opcode::ping, "p");  // interleaved control
        first = false;
        at += piece;
        if (o.fin) break;
      }
    }
    net::frame_parser parser(1 << 20);
    std::vector<std::string> texts;
    std::string_view rest = wire;
    while (!rest.empty()) {
      std::string_view chunk = rest.substr(0, pick(1, 700));
      rest.remove_prefix(chunk.size());
      while (auto event = parser.next(chunk)) {
        REQUIRE(event->kind != type::fail);
        if (event->kind == type::text) texts.push_back(event->payload);
      }
      REQUIRE(chunk.empty());
    }
    CHECK(texts == messages);
  }
}
