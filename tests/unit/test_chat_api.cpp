// The hub's server-side API and extension points: publish, delete_room,
// disconnect_user, room policy, event handlers, stats, and encode-once broadcasting.
#include <doctest/doctest.h>

#include "support/chat_fixture.hpp"

using namespace whisper;
using namespace whisper::testing;
namespace json = boost::json;

TEST_CASE_FIXTURE(chat_fixture, "a broadcast hands the same frame pointer to every recipient") {
  client alice = joined("alice", lobby.id);
  client bob = joined("bob", lobby.id);
  client carol = joined("carol", lobby.id);
  for (auto* c : {&alice, &bob, &carol}) c->take();
  alice.text(send_frame(lobby.id, "once"));
  const auto a = alice.conn->frames();
  const auto b = bob.conn->frames();
  const auto c = carol.conn->frames();
  REQUIRE(a.size() == 1);
  REQUIRE(b.size() == 1);
  REQUIRE(c.size() == 1);
  CHECK(a[0].get() == b[0].get());
  CHECK(b[0].get() == c[0].get());
}

TEST_CASE_FIXTURE(chat_fixture, "publish sends a message or notice to every member") {
  client alice = joined("alice", lobby.id);
  client bob = joined("bob", other.id);
  alice.take();
  CHECK(hub->publish(lobby.id, msg_type::alert, "server", "maintenance at 5"));
  CHECK(alice.take_one() ==
        json::parse(R"({"msg_type":2,"room":1,"username":"server","message":"maintenance at 5"})")
            .as_object());
  CHECK(bob.take().empty());
}

TEST_CASE_FIXTURE(chat_fixture, "publish to a missing room or with a non-message type fails") {
  client alice = joined("alice", lobby.id);
  CHECK_FALSE(hub->publish(99, msg_type::message, "server", "x"));
  CHECK_FALSE(hub->publish(lobby.id, msg_type::enter, "server", "x"));
  CHECK_FALSE(hub->publish(lobby.id, msg_type::internal, "server", "x"));
  CHECK(alice.take().empty());
}

TEST_CASE_FIXTURE(chat_fixture, "delete_room tells the members and removes them from the room") {
  client alice = joined("alice", lobby.id);
  client bob = joined("bob", lobby.id);
  bob.text(join_frame(other.id));
  alice.take();
  bob.take();
  rooms.remove(lobby.id);
  hub->delete_room(lobby.id);
  const auto expected =
      json::parse(R"({"error":"ROOM_INVALID","room":1,"message":"This room was deleted."})")
          .as_object();
  CHECK(alice.take_one() == expected);
  CHECK(bob.take_one() == expected);  // no LEAVE notices for a deleted room
  CHECK_FALSE(alice.session->joined(lobby.id));
  CHECK(bob.session->joined(other.id));
  CHECK(layer.group_size(group_name(lobby.id)) == 0);
  alice.text(send_frame(lobby.id, "x"));
  CHECK(alice.take_one().at("error") == "ROOM_ACCESS_DENIED");
  alice.text(R"({"command":"room_users","room":1})");
  CHECK(alice.take_one().at("error") == "ROOM_INVALID");
}

TEST_CASE_FIXTURE(chat_fixture, "disconnect_user closes every connection of that user only") {
  client tab1 = connect("alice", false, 10);
  client tab2 = connect("alice", false, 10);
  client bob = connect("bob", false, 11);
  hub->disconnect_user(10, close_code::policy_violation, "account disabled");
  auto closes = tab1.conn->closes();
  REQUIRE(closes.size() == 1);
  CHECK(closes[0] == std::make_pair(close_code::policy_violation, std::string("account disabled")));
  CHECK(tab2.conn->close_code() == close_code::policy_violation);
  CHECK(bob.conn->closes().empty());
  hub->disconnect_user(11, close_code::going_away, "server restart");
  CHECK(bob.conn->closes().at(0) == std::make_pair(1001, std::string("server restart")));
}

TEST_CASE_FIXTURE(chat_fixture, "a custom room policy decides who may enter") {
  hub->set_room_policy([](const user& u, const room& r) -> std::optional<error_code> {
    if (r.title == "Other" && u.username != "vip") return error_code::room_access_denied;
    return std::nullopt;
  });
  client alice = connect("alice");
  alice.text(join_frame(other.id));
  CHECK(alice.take_one().at("error") == "ROOM_ACCESS_DENIED");
  alice.text(join_frame(staff_room.id));  // the default staff rule is replaced
  CHECK(alice.take_one().contains("join"));
  client vip = connect("vip");
  vip.text(join_frame(other.id));
  CHECK(vip.take_one().contains("join"));
}

TEST_CASE_FIXTURE(chat_fixture, "a custom event type gets its own handler") {
  std::vector<std::string> seen;
  hub->on_event("game.move", [&](consumer& self, const event& e) {
    seen.push_back(self.user().username + ":" + e.as<custom_event>()->data);
    self.queue(make_payload(R"({"moved":true})"));
  });
  client alice = joined("alice", lobby.id);
  client bob = joined("bob", lobby.id);
  layer.group_send(group_name(lobby.id), make_custom_event("game.move", lobby.id, "e4", nullptr));
  CHECK(seen.size() == 2);
  CHECK(alice.take().back().at("moved") == true);
}

TEST_CASE_FIXTURE(chat_fixture, "an unknown event type with a frame is passed through") {
  client alice = joined("alice", lobby.id);
  layer.group_send(group_name(lobby.id),
                   make_custom_event("x.unknown", lobby.id, "", make_payload(R"({"x":1})")));
  layer.group_send(group_name(lobby.id), make_custom_event("x.silent", lobby.id, "", nullptr));
  CHECK(alice.take_one().at("x") == 1);
}

TEST_CASE_FIXTURE(chat_fixture, "an event handler that throws does not escape into the layer") {
  hub->on_event("bad", [](consumer&, const event&) { throw std::runtime_error("boom"); });
  client alice = joined("alice", lobby.id);
  CHECK_NOTHROW(layer.group_send(group_name(lobby.id), make_custom_event("bad", 1, "", nullptr)));
}

TEST_CASE_FIXTURE(chat_fixture, "the built-in chat handlers can be overridden") {
  hub->on_event(std::string(event_type::chat_message), [](consumer& self, const event& e) {
    // No echo to the sender.
    if (e.as<chat_message>()->username != self.user().username) self.queue(e.wire);
  });
  client alice = joined("alice", lobby.id);
  client bob = joined("bob", lobby.id);
  alice.take();
  alice.text(send_frame(lobby.id, "hi"));
  CHECK(alice.take().empty());
  CHECK(bob.take().size() == 1);
}

TEST_CASE_FIXTURE(chat_fixture, "stats count connections, frames, joins, messages and errors") {
  client alice = joined("alice", lobby.id);
  client bob = joined("bob", lobby.id);
  alice.text(send_frame(lobby.id, "x"));
  alice.text("garbage");
  bob.session->on_close();
  hub_stats& s = hub->stats();
  CHECK(s.connections_opened == 2);
  CHECK(s.connections_closed == 1);
  CHECK(hub->open_connections() == 1);
  CHECK(s.frames_in == 4);
  CHECK(s.joins == 2);
  CHECK(s.leaves == 1);
  CHECK(s.messages_in == 1);
  CHECK(s.errors_sent == 1);
  // join replies 2, ENTER 1, message 2, error 1, LEAVE 1
  CHECK(s.deliveries == 7);
}

TEST_CASE_FIXTURE(chat_fixture, "a consumer is released once its connection closed") {
  std::weak_ptr<consumer> watch;
  {
    client alice = joined("alice", lobby.id);
    watch = alice.session;
    alice.session->on_close();
  }
  CHECK(watch.expired());
}

TEST_CASE_FIXTURE(chat_fixture, "on_close is safe when only the channel layer holds the consumer") {
  client alice = joined("alice", lobby.id);
  client bob = joined("bob", lobby.id);
  alice.take();
  consumer* raw = bob.session.get();
  std::weak_ptr<consumer> watch = bob.session;
  bob.session.reset();  // a transport that keeps its consumer only weakly
  REQUIRE_FALSE(watch.expired());
  raw->on_close();  // must not touch freed memory (ASan checks this)
  CHECK(watch.expired());
  CHECK(alice.take_one().at("msg_type") == 5);
}

TEST_CASE_FIXTURE(chat_fixture, "events delivered after the close are dropped") {
  client alice = joined("alice", lobby.id);
  alice.session->on_close();
  alice.session->deliver(make_message_event(lobby.id, msg_type::message, "bob", "late"));
  alice.session->deliver(make_user_disconnect_event(1008, "late"));
  CHECK(alice.take().empty());
  CHECK(alice.conn->closes().empty());
}

TEST_CASE_FIXTURE(chat_fixture, "a user.disconnect event with unreadable data closes with 1008") {
  client alice = connect("alice");
  alice.session->deliver(
      make_custom_event(std::string(event_type::user_disconnect), 0, "not json", nullptr));
  CHECK(alice.conn->close_code() == close_code::policy_violation);
}

namespace {

// The hub reads rooms by id and nothing else: an embedder's own lookup is enough.
struct two_rooms final : room_lookup {
  std::optional<room> find(room_id id) override {
    if (id != 1 && id != 2) return std::nullopt;
    return room{id, "Room " + std::to_string(id), id == 2};
  }
};

}  // namespace

TEST_CASE("a hub runs on a bare room lookup") {
  in_process_channel_layer layer;
  two_rooms rooms;
  memory_presence presence;
  chat_hub hub(layer, rooms, presence);
  auto conn = std::make_shared<fake_connection>();
  auto alice = hub.connect(conn, user{1, "alice", "Alice", false, true});
  alice->on_text(chat_fixture::join_frame(1));
  alice->on_text(chat_fixture::join_frame(2));
  alice->on_text(chat_fixture::join_frame(3));
  const auto frames = conn->take_json();
  REQUIRE(frames.size() == 3);
  CHECK(frames[0].contains("join"));
  CHECK(frames[1].at("error") == "ROOM_ACCESS_DENIED");
  CHECK(frames[2].at("error") == "ROOM_INVALID");
  alice->on_close();
}
