// The sans-IO WebSocket connection on an in-memory stream with fault injection: frames
// across read boundaries, fragmentation and control frames, the close handshake,
// protocol errors with their close codes, the bounded queue, the order of the one
// writer, and partial, refused and failed writes resumed or stopped at the right byte.
#include "websocket_protocol.hpp"

#include <doctest/doctest.h>

#include <string>

#include "opcode.hpp"
#include "support/client_frames.hpp"
#include "support/memory_stream.hpp"
#include "support/server_frames.hpp"

namespace net = whisper::net;
using type = net::frame_event::type;
using push = net::websocket_protocol::push_result;
using whisper_test::client_frame;
using whisper_test::memory_stream;

namespace {

net::websocket_protocol make_protocol(std::size_t max_message = 1024,
                                      std::size_t queue_bytes = 1 << 20,
                                      std::size_t queue_frames = 1000) {
  return net::websocket_protocol(max_message, queue_bytes, queue_frames);
}

whisper_test::client_frame_options fragment() {
  whisper_test::client_frame_options o;
  o.fin = false;
  return o;
}

}  // namespace

TEST_CASE("a frame read one byte at a time arrives whole, as does one split anywhere") {
  const std::string bytes = client_frame(net::opcode::text, std::string(300, 'x')) +
                            client_frame(net::opcode::text, "second");
  for (std::size_t chunk : {std::size_t{1}, std::size_t{2}, std::size_t{7}, bytes.size()}) {
    auto protocol = make_protocol();
    const auto events = memory_stream::read(protocol, bytes, chunk);
    REQUIRE(events.size() == 2);
    CHECK(events[0].kind == type::text);
    CHECK(events[0].payload == std::string(300, 'x'));
    CHECK(events[1].payload == "second");
  }
}

TEST_CASE("a fragmented message reassembles around a ping that comes between its fragments") {
  auto protocol = make_protocol();
  const std::string bytes = client_frame(net::opcode::text, "hel", fragment()) +
                            client_frame(net::opcode::ping, "p") +
                            client_frame(net::opcode::continuation, "lo");
  const auto events = memory_stream::read(protocol, bytes, 3);
  REQUIRE(events.size() == 2);
  CHECK(events[0].kind == type::ping);
  CHECK(events[0].payload == "p");
  CHECK(events[1].kind == type::text);
  CHECK(events[1].payload == "hello");
}

TEST_CASE("a frame over the size limit fails with 1009 before its payload arrives") {
  auto protocol = make_protocol(100);
  const std::string header = client_frame(net::opcode::text, std::string(5000, 'a')).substr(0, 8);
  const auto events = memory_stream::read(protocol, header, 1);
  REQUIRE(events.size() == 1);
  CHECK(events[0].kind == type::fail);
  CHECK(events[0].code == 1009);
}

TEST_CASE("text that is not UTF-8 fails with 1007, also split across reads") {
  auto protocol = make_protocol();
  const auto events =
      memory_stream::read(protocol, client_frame(net::opcode::text, "a\xC0\xAF"), 1);
  REQUIRE(events.size() == 1);
  CHECK(events[0].code == 1007);
}

TEST_CASE("the peer's close is echoed with its code after the frames queued before it") {
  auto protocol = make_protocol();
  memory_stream peer;
  CHECK(protocol.queue_text(whisper::make_payload("before")) == push::queued_first);
  const auto events =
      memory_stream::read(protocol, client_frame(net::opcode::close, "\x03\xE8"), 64);
  REQUIRE(events.size() == 1);
  REQUIRE(events[0].kind == type::close);
  CHECK(protocol.on_peer_close(events[0].code) ==
        net::websocket_protocol::peer_close::echoed_behind);
  CHECK(protocol.queue_text(whisper::make_payload("after")) == push::closed);
  peer.write_all(protocol);
  const auto frames = peer.frames();
  REQUIRE(frames.size() == 2);
  CHECK(frames[0].payload == "before");
  CHECK(frames[1].opcode == net::opcode::close);
  CHECK(frames[1].payload == std::string("\x03\xE8", 2));
  CHECK(protocol.close_written());
  CHECK(protocol.close_received());
  CHECK(protocol.close_code() == 1000);
}

TEST_CASE("our close waits for the peer's, which then finishes the handshake") {
  auto protocol = make_protocol();
  memory_stream peer;
  bool flush = false;
  CHECK(protocol.queue_close(1001, "going away", flush));
  CHECK(flush);
  CHECK_FALSE(protocol.queue_close(1000, "again", flush));  // idempotent
  peer.write_all(protocol);
  CHECK(protocol.close_written());
  CHECK(protocol.on_peer_close(1001) == net::websocket_protocol::peer_close::finish);
  const auto frames = peer.frames();
  REQUIRE(frames.size() == 1);
  CHECK(frames[0].payload.substr(2) == "going away");
}

TEST_CASE("a pong and a close queued behind data frames leave after them, in order") {
  auto protocol = make_protocol();
  memory_stream peer;
  peer.max_write = 5;  // every frame is cut somewhere
  protocol.queue_text(whisper::make_payload("one"));
  protocol.queue_text(whisper::make_payload(std::string(2000, 'b')));  // referenced in place
  CHECK(protocol.queue_pong("ping-data") == push::queued);
  bool flush = false;
  protocol.queue_close(1000, "bye", flush);
  peer.write_all(protocol);
  const auto frames = peer.frames();
  REQUIRE(frames.size() == 4);
  CHECK(frames[0].payload == "one");
  CHECK(frames[1].payload == std::string(2000, 'b'));
  CHECK(frames[2].opcode == net::opcode::pong);
  CHECK(frames[2].payload == "ping-data");
  CHECK(frames[3].opcode == net::opcode::close);
}

TEST_CASE("partial writes resume at the right byte: the peer gets exactly the frames") {
  std::string expected;
  for (std::size_t max_write : {std::size_t{1}, std::size_t{3}, std::size_t{1000}}) {
    auto protocol = make_protocol(1024, 1 << 20, 1000);
    memory_stream peer;
    peer.max_write = max_write;
    expected.clear();
    for (std::size_t size : {std::size_t{0}, std::size_t{10}, std::size_t{125}, std::size_t{126},
                             std::size_t{1024}, std::size_t{1025}, std::size_t{70000}}) {
      const std::string text(size, static_cast<char>('a' + size % 26));
      protocol.queue_text(whisper::make_payload(text));
      expected += whisper_test::server_frame(net::opcode::text, text);
    }
    peer.write_all(protocol, 1000000);
    CHECK(peer.wire == expected);
  }
}

TEST_CASE("writes that would block lose no byte and repeat none") {
  auto protocol = make_protocol();
  memory_stream peer;
  peer.would_block_every = 2;
  peer.max_write = 7;
  std::string expected;
  for (int i = 0; i < 50; ++i) {
    const std::string text = "message " + std::to_string(i);
    protocol.queue_text(whisper::make_payload(text));
    expected += whisper_test::server_frame(net::opcode::text, text);
  }
  peer.write_all(protocol);
  CHECK(peer.wire == expected);
}

TEST_CASE("a peer that stops reading fills the queue, and the next frame overflows") {
  auto protocol = make_protocol(1024, 100, 1000);  // 100 bytes of payload queued at most
  memory_stream peer;
  peer.window = 30;  // the peer reads 30 bytes, then nothing more
  std::size_t queued = 0;
  push last = push::queued;
  for (int i = 0; i < 100 && last != push::full; ++i) {
    last = protocol.queue_text(whisper::make_payload(std::string(10, 'x')));
    if (last != push::full) ++queued;
    peer.write_all(protocol);
  }
  CHECK(last == push::full);  // the shell closes with 1013 (try_again_later)
  CHECK(peer.wire.size() == 30);
  // Bytes written left the bound: more than 100 bytes were accepted in all.
  CHECK(queued * 10 > 100);
  // A ping from the idle check still gets in: control frames pass the bound.
  CHECK(protocol.queue_ping() != push::full);
}

TEST_CASE("a pong over the bound is refused like any frame of a slow reader") {
  auto protocol = make_protocol(1024, 10, 1000);
  CHECK(protocol.queue_text(whisper::make_payload(std::string(10, 'x'))) == push::queued_first);
  CHECK(protocol.queue_pong("p") == push::full);
}

TEST_CASE("a failed write stops the stream, and a shut connection refuses frames") {
  auto protocol = make_protocol();
  memory_stream peer;
  peer.fail_write = 2;
  peer.max_write = 4;
  protocol.queue_text(whisper::make_payload("a message that takes several writes"));
  CHECK(peer.write_all(protocol) == memory_stream::write_result::failed);
  CHECK(peer.wire.size() == 4);  // the first write only
  protocol.shut();
  protocol.drop_pending();
  CHECK(protocol.queue_text(whisper::make_payload("late")) == push::closed);
  CHECK(peer.write_once(protocol) == memory_stream::write_result::nothing);
}

TEST_CASE("the 101 answer leaves first, without a frame header") {
  auto protocol = make_protocol();
  memory_stream peer;
  protocol.queue_raw("HTTP/1.1 101 Switching Protocols\r\n\r\n");
  protocol.queue_text(whisper::make_payload("hi"));
  peer.write_all(protocol);
  CHECK(peer.wire == "HTTP/1.1 101 Switching Protocols\r\n\r\n" +
                         whisper_test::server_frame(net::opcode::text, "hi"));
}

TEST_CASE("nothing is written after a close frame, even what was queued before it raced in") {
  auto protocol = make_protocol();
  memory_stream peer;
  bool flush = false;
  protocol.queue_close(1000, "", flush);
  CHECK(protocol.queue_text(whisper::make_payload("too late")) == push::closed);
  CHECK(protocol.queue_ping() == push::closed);
  peer.write_all(protocol);
  const auto frames = peer.frames();
  REQUIRE(frames.size() == 1);
  CHECK(frames[0].opcode == net::opcode::close);
}

TEST_CASE("an idle connection gives back the storage a burst of frames grew") {
  auto protocol = make_protocol();
  memory_stream peer;
  peer.max_write = 7;  // the burst is written in many partial writes
  std::string expected;
  for (int i = 0; i < 200; ++i) {
    const std::string text = "burst " + std::to_string(i);
    protocol.queue_text(whisper::make_payload(text));
    expected += whisper_test::server_frame(net::opcode::text, text);
  }
  // Still writing: nothing may be freed under the writer.
  CHECK(protocol.release_idle_storage() == 0);
  peer.write_all(protocol);
  CHECK(peer.wire == expected);
  // All written: the writer's batch (200 items) is given back, then there is nothing left.
  CHECK(protocol.release_idle_storage() >= 200 * sizeof(net::outbound_queue::item));
  CHECK(protocol.release_idle_storage() == 0);
  // And the connection works on as before.
  protocol.queue_text(whisper::make_payload("after"));
  peer.write_all(protocol);
  CHECK(peer.wire == expected + whisper_test::server_frame(net::opcode::text, "after"));
}

TEST_CASE("a queue holding frames keeps its storage; an empty one gives it back") {
  net::outbound_queue queue(1 << 20, 1000);
  for (int i = 0; i < 10; ++i) queue.push(whisper::make_payload("x"));
  CHECK(queue.release_storage() == 0);  // frames still queued
  std::vector<net::outbound_queue::item> taken;
  CHECK(queue.take(taken) == 10);
  CHECK(queue.release_storage() >= 10 * sizeof(net::outbound_queue::item));
  CHECK(queue.release_storage() == 0);
  CHECK(queue.push(whisper::make_payload("y")) == net::outbound_queue::push_result::queued_first);
}
