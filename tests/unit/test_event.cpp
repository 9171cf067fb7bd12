// Events: their kinds, their encoded frames, and the JSON form a cross-process layer sends.
#include <doctest/doctest.h>

#include "whisper/event.hpp"

using namespace whisper;

TEST_CASE("a message event carries its frame encoded once") {
  event_ptr e = make_message_event(7, msg_type::message, "alice", "hi");
  CHECK(e->kind() == event_kind::chat_message);
  CHECK(e->type() == "chat.message");
  CHECK(e->room == 7);
  REQUIRE(e->as<chat_message>());
  CHECK(e->as<chat_message>()->kind == msg_type::message);
  REQUIRE(e->wire);
  CHECK(*e->wire == R"({"msg_type":0,"room":7,"username":"alice","message":"hi"})");
}

TEST_CASE("enter and leave events are chat.join and chat.leave with msg_type 4 and 5") {
  event_ptr in = make_enter_event(2, "bob");
  event_ptr out = make_leave_event(2, "bob");
  CHECK(in->kind() == event_kind::member_joined);
  CHECK(out->kind() == event_kind::member_left);
  CHECK(in->type() == "chat.join");
  CHECK(out->type() == "chat.leave");
  CHECK(*in->wire == R"({"msg_type":4,"room":2,"username":"bob"})");
  CHECK(*out->wire == R"({"msg_type":5,"room":2,"username":"bob"})");
}

TEST_CASE("room deleted event tells the client the room is invalid now") {
  event_ptr e = make_room_deleted_event(9);
  CHECK(e->type() == "room.deleted");
  CHECK(*e->wire == R"({"error":"ROOM_INVALID","room":9,"message":"This room was deleted."})");
}

TEST_CASE("user disconnect event has no frame and carries code and reason decoded") {
  event_ptr e = make_user_disconnect_event(1008, "bye \"now\"");
  CHECK(e->type() == "user.disconnect");
  CHECK_FALSE(e->wire);
  const auto* d = e->as<user_disconnect>();
  REQUIRE(d);
  CHECK(d->code == 1008);
  CHECK(d->reason == "bye \"now\"");
  CHECK(d->session.empty());
}

TEST_CASE("type names map to kinds, and any other name is custom") {
  CHECK(event_kind_of("chat.message") == event_kind::chat_message);
  CHECK(event_kind_of("user.changed") == event_kind::user_changed);
  CHECK(event_kind_of("game.move") == event_kind::custom);
  CHECK(event_kind_of("") == event_kind::custom);
}

TEST_CASE("the serialized form is the one of whisper 0.1") {
  CHECK(serialize_event(*make_message_event(7, msg_type::warning, "staff", "x")) ==
        R"({"type":"chat.message","room":7,"username":"staff","message":"x","kind":1,"data":""})");
  CHECK(serialize_event(*make_user_disconnect_event(1008, "out", "tag")) ==
        R"({"type":"user.disconnect","room":0,"username":"","message":"","kind":0,)"
        R"("data":"{\"code\":1008,\"reason\":\"out\",\"session\":\"tag\"}"})");
}

TEST_CASE("serialize then deserialize gives back the event and re-encodes its frame") {
  event_ptr original = make_message_event(7, msg_type::warning, "staff", "a \"quoted\" text");
  const std::string text = serialize_event(*original);
  CHECK(text.find("wire") == std::string::npos);
  event_ptr back = deserialize_event(text);
  REQUIRE(back);
  CHECK(back->kind() == original->kind());
  CHECK(back->room == original->room);
  const auto* m = back->as<chat_message>();
  REQUIRE(m);
  CHECK(m->username == "staff");
  CHECK(m->text == "a \"quoted\" text");
  CHECK(m->kind == msg_type::warning);
  REQUIRE(back->wire);
  CHECK(*back->wire == *original->wire);
}

TEST_CASE("round trip works for every core event type") {
  for (const event_ptr& e :
       {make_enter_event(1, "a"), make_leave_event(1, "a"), make_room_deleted_event(4),
        make_user_disconnect_event(1008, "x", "s")}) {
    event_ptr back = deserialize_event(serialize_event(*e));
    REQUIRE(back);
    CHECK(back->kind() == e->kind());
    CHECK(serialize_event(*back) == serialize_event(*e));
    CHECK(static_cast<bool>(back->wire) == static_cast<bool>(e->wire));
    if (e->wire) CHECK(*back->wire == *e->wire);
  }
}

TEST_CASE("a custom event keeps its data across processes but not its frame") {
  event_ptr e = make_custom_event("game.move", 3, R"({"x":1})", make_payload("{}"));
  CHECK(e->wire);
  CHECK(e->kind() == event_kind::custom);
  event_ptr back = deserialize_event(serialize_event(*e));
  REQUIRE(back);
  CHECK(back->type() == "game.move");
  CHECK(back->room == 3);
  REQUIRE(back->as<custom_event>());
  CHECK(back->as<custom_event>()->data == R"({"x":1})");
  CHECK_FALSE(back->wire);
}

TEST_CASE("a custom event named like a core type is decoded as that type") {
  event_ptr e = make_custom_event("user.disconnect", 0, R"({"code":4000,"reason":"r"})", nullptr);
  REQUIRE(e->as<user_disconnect>());
  CHECK(e->as<user_disconnect>()->code == 4000);
  event_ptr unreadable = make_custom_event("user.disconnect", 0, "not json", nullptr);
  REQUIRE(unreadable->as<user_disconnect>());
  CHECK(unreadable->as<user_disconnect>()->code == 1008);
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
