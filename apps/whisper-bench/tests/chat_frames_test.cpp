#include "chat_frames.hpp"

#include <doctest/doctest.h>

using namespace whisper_bench;

TEST_CASE("the join and send commands are the protocol's JSON") {
  CHECK(make_join_command(7) == R"({"command":"join","room":7})");
  CHECK(make_send_command(3, 123456789, 42, 0) ==
        R"({"command":"send","room":3,"message":"t=123456789;c=42;"})");
}

TEST_CASE("send padding grows the message text to the asked size") {
  std::string command = make_send_command(3, 1, 2, 40);
  auto start = command.find("t=");
  auto end = command.find('"', start);
  CHECK(end - start == 40);
}

TEST_CASE("a chat message carrying a probe yields its send time and sender") {
  classified c = classify_server_text(
      R"({"msg_type": 0, "room": 3, "username": "bench7", "message": "t=987654321;c=42;xxxx"})");
  CHECK(c.kind == frame_kind::probe);
  CHECK(c.send_ns == 987654321u);
  CHECK(c.sender == 42u);
}

TEST_CASE("compact JSON is classified the same way") {
  classified c =
      classify_server_text(R"({"msg_type":0,"room":3,"username":"b","message":"t=5;c=6;"})");
  CHECK(c.kind == frame_kind::probe);
  CHECK(c.send_ns == 5u);
  CHECK(c.sender == 6u);
}

TEST_CASE("enter/leave notices and foreign messages are chat but not probes") {
  CHECK(classify_server_text(R"({"msg_type": 4, "room": 7, "username": "bob"})").kind ==
        frame_kind::chat_other);
  CHECK(classify_server_text(R"({"msg_type": 0, "room": 7, "username": "bob", "message": "hi"})")
            .kind == frame_kind::chat_other);
}

TEST_CASE("a join reply gives the room id, which is a string on the wire") {
  classified c = classify_server_text(R"({"join": "17", "title": "Lobby"})");
  CHECK(c.kind == frame_kind::join_reply);
  CHECK(c.room == 17);
}

TEST_CASE("an error frame gives its code") {
  classified c = classify_server_text(R"({"error": "ROOM_INVALID", "room": 99})");
  CHECK(c.kind == frame_kind::error);
  CHECK(c.error == "ROOM_INVALID");
}

TEST_CASE("presence replies and leave replies are other frames") {
  CHECK(classify_server_text(R"({"leave": "7"})").kind == frame_kind::other);
  CHECK(classify_server_text(R"({"type": 6, "room": 7, "data": {"users": {}}})").kind ==
        frame_kind::other);
}
