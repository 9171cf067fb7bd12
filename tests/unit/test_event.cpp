// Events: their encoded frames, and the JSON form a cross-process layer sends.
#include <doctest/doctest.h>

#include "whisper/event.hpp"

using namespace whisper;

TEST_CASE("a message event carries its frame encoded once") {
  event_ptr e = make_message_event(7, msg_type::message, "alice", "hi");
  CHECK(e->type == "chat.message");
  CHECK(e->room == 7);
  CHECK(e->kind == 0);
  REQUIRE(e->wire);
  CHECK(*e->wire == R"({"msg_type":0,"room":7,"username":"alice","message":"hi"})");
}

TEST_CASE("enter and leave events are chat.join and chat.leave with msg_type 4 and 5") {
  event_ptr in = make_enter_event(2, "bob");
  event_ptr out = make_leave_event(2, "bob");
  CHECK(in->type == "chat.join");
  CHECK(out->type == "chat.leave");
  CHECK(*in->wire == R"({"msg_type":4,"room":2,"username":"bob"})");
  CHECK(*out->wire == R"({"msg_type":5,"room":2,"username":"bob"})");
}

TEST_CASE("room deleted event tells the client the room is invalid now") {
  event_ptr e = make_room_deleted_event(9);
  CHECK(e->type == "room.deleted");
  CHECK(*e->wire == R"({"error":"ROOM_INVALID","room":9,"message":"This room was deleted."})");
}

TEST_CASE("user disconnect event has no frame and carries code and reason as data") {
  event_ptr e = make_user_disconnect_event(1008, "bye \"now\"");
  CHECK(e->type == "user.disconnect");
  CHECK_FALSE(e->wire);
  CHECK(e->data == R"({"code":1008,"reason":"bye \"now\""})");
}

TEST_CASE("serialize then deserialize gives back the event and re-encodes its frame") {
  event_ptr original = make_message_event(7, msg_type::warning, "staff", "a \"quoted\" text");
  const std::string text = serialize_event(*original);
  CHECK(text.find("wire") == std::string::npos);
  event_ptr back = deserialize_event(text);
  REQUIRE(back);
  CHECK(back->type == original->type);
  CHECK(back->room == original->room);
  CHECK(back->username == original->username);
  CHECK(back->message == original->message);
  CHECK(back->kind == original->kind);
  REQUIRE(back->wire);
  CHECK(*back->wire == *original->wire);
}

TEST_CASE("round trip works for every core event type") {
  for (event_ptr e : {make_enter_event(1, "a"), make_leave_event(1, "a"),
                      make_room_deleted_event(4), make_user_disconnect_event(1008, "x")}) {
    event_ptr back = deserialize_event(serialize_event(*e));
    REQUIRE(back);
    CHECK(back->type == e->type);
    CHECK(back->data == e->data);
    CHECK(static_cast<bool>(back->wire) == static_cast<bool>(e->wire));
    if (e->wire) CHECK(*back->wire == *e->wire);
  }
}

TEST_CASE("a custom event keeps its data across processes but not its frame") {
  event_ptr e = make_custom_event("game.move", 3, R"({"x":1})", make_payload("{}"));
  CHECK(e->wire);
  event_ptr back = deserialize_event(serialize_event(*e));
  REQUIRE(back);
  CHECK(back->type == "game.move");
  CHECK(back->room == 3);
  CHECK(back->data == R"({"x":1})");
  CHECK_FALSE(back->wire);
}

TEST_CASE("malformed serialized events are refused") {
  CHECK_FALSE(deserialize_event(""));
  CHECK_FALSE(deserialize_event("[]"));
  CHECK_FALSE(deserialize_event("{not json"));
  CHECK_FALSE(deserialize_event(R"({"type":"chat.message"})"));
  CHECK_FALSE(
      deserialize_event(R"({"type":1,"room":1,"username":"","message":"","kind":0,"data":""})"));
  CHECK_FALSE(deserialize_event(
      R"({"type":"chat.message","room":"1","username":"","message":"","kind":0,"data":""})"));
  CHECK_FALSE(deserialize_event(
      R"({"type":"chat.message","room":1,"username":"","message":"","kind":99,"data":""})"));
}
