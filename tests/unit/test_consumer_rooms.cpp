// The room commands through fake connections: join, leave, send, room_users and
// disconnects, as PROTOCOL.md describes them.
#include <doctest/doctest.h>

#include "support/chat_fixture.hpp"

using namespace whisper;
using namespace whisper::testing;
namespace json = boost::json;

namespace {
json::object parse(const std::string& text) {
  return json::parse(text).as_object();
}
}  // namespace

TEST_CASE_FIXTURE(chat_fixture, "join replies with the id as a string and the title") {
  client alice = connect("alice");
  alice.text(join_frame(lobby.id));
  CHECK(alice.take_one() == parse(R"({"join":"1","title":"Lobby"})"));
  CHECK(alice.session->joined(lobby.id));
  CHECK(layer.group_size(group_name(lobby.id)) == 1);
}

TEST_CASE_FIXTURE(chat_fixture, "a numeric string room id is accepted") {
  client alice = connect("alice");
  alice.text(R"({"command":"join","room":"1"})");
  CHECK(alice.take_one() == parse(R"({"join":"1","title":"Lobby"})"));
  alice.text(R"({"command":"send","room":"1","message":"hi"})");
  CHECK(alice.take_one().at("message") == "hi");
}

TEST_CASE_FIXTURE(chat_fixture, "joining a room twice only repeats the reply") {
  client bob = joined("bob", lobby.id);
  client alice = connect("alice");
  alice.text(join_frame(lobby.id));
  alice.take();
  bob.take();
  alice.text(join_frame(lobby.id));
  CHECK(alice.take_one() == parse(R"({"join":"1","title":"Lobby"})"));
  CHECK(bob.take().empty());  // no second ENTER
  CHECK(layer.group_size(group_name(lobby.id)) == 2);
}

TEST_CASE_FIXTURE(chat_fixture, "members are told of a join but the joiner is not") {
  client bob = joined("bob", lobby.id);
  client alice = connect("alice");
  alice.text(join_frame(lobby.id));
  CHECK(bob.take_one() == parse(R"({"msg_type":4,"room":1,"username":"alice"})"));
  CHECK(alice.take_one().contains("join"));
}

TEST_CASE_FIXTURE(chat_fixture, "a room that does not exist is ROOM_INVALID") {
  client alice = connect("alice");
  alice.text(join_frame(99));
  CHECK(alice.take_one().at("error") == "ROOM_INVALID");
  alice.text(leave_frame(99));
  CHECK(alice.take_one().at("error") == "ROOM_INVALID");
  alice.text(R"({"command":"room_users","room":99})");
  CHECK(alice.take_one().at("error") == "ROOM_INVALID");
  CHECK_FALSE(alice.session->joined(99));
}

TEST_CASE_FIXTURE(chat_fixture, "a non-staff user is refused a staff-only room") {
  client alice = connect("alice");
  alice.text(join_frame(staff_room.id));
  CHECK(alice.take_one().at("error") == "ROOM_ACCESS_DENIED");
  CHECK_FALSE(alice.session->joined(staff_room.id));
  alice.text(R"({"command":"room_users","room":2})");
  CHECK(alice.take_one().at("error") == "ROOM_ACCESS_DENIED");
}

TEST_CASE_FIXTURE(chat_fixture, "a staff user is admitted to a staff-only room") {
  client boss = connect("boss", true);
  boss.text(join_frame(staff_room.id));
  CHECK(boss.take_one() == parse(R"({"join":"2","title":"Staff only"})"));
}

TEST_CASE_FIXTURE(chat_fixture, "two users in a room see each other's messages, sender included") {
  client alice = joined("alice", lobby.id);
  client bob = joined("bob", lobby.id);
  alice.take();
  alice.text(send_frame(lobby.id, "hello bob"));
  const auto expected =
      parse(R"({"msg_type":0,"room":1,"username":"alice","message":"hello bob"})");
  CHECK(alice.take_one() == expected);
  CHECK(bob.take_one() == expected);
  bob.text(send_frame(lobby.id, "hi alice"));
  CHECK(alice.take_one().at("username") == "bob");
  CHECK(bob.take_one().at("message") == "hi alice");
}

TEST_CASE_FIXTURE(chat_fixture, "a user in another room sees none of the messages") {
  client alice = joined("alice", lobby.id);
  client bob = joined("bob", lobby.id);
  client carol = joined("carol", other.id);
  alice.text(send_frame(lobby.id, "secret"));
  CHECK(bob.take().size() == 1);
  CHECK(carol.take().empty());
}

TEST_CASE_FIXTURE(chat_fixture, "one connection receives the messages of every room it joined") {
  client alice = joined("alice", lobby.id);
  alice.text(join_frame(other.id));
  alice.take();
  client bob = joined("bob", lobby.id);
  client carol = joined("carol", other.id);
  alice.take();
  bob.text(send_frame(lobby.id, "in lobby"));
  carol.text(send_frame(other.id, "in other"));
  auto frames = alice.take();
  REQUIRE(frames.size() == 2);
  CHECK(frames[0].at("room") == lobby.id);
  CHECK(frames[1].at("room") == other.id);
}

TEST_CASE_FIXTURE(chat_fixture, "send to a room not joined is ROOM_ACCESS_DENIED") {
  client alice = connect("alice");
  client bob = joined("bob", lobby.id);
  alice.text(send_frame(lobby.id, "let me in"));
  CHECK(alice.take_one().at("error") == "ROOM_ACCESS_DENIED");
  CHECK(bob.take().empty());
  alice.text(send_frame(99, "nowhere"));
  CHECK(alice.take_one().at("error") == "ROOM_ACCESS_DENIED");
}

TEST_CASE_FIXTURE(chat_fixture, "leave notifies the others and stops delivery") {
  client alice = joined("alice", lobby.id);
  client bob = joined("bob", lobby.id);
  alice.take();
  bob.text(leave_frame(lobby.id));
  CHECK(bob.take_one() == parse(R"({"leave":"1"})"));
  CHECK(alice.take_one() == parse(R"({"msg_type":5,"room":1,"username":"bob"})"));
  alice.text(send_frame(lobby.id, "still there?"));
  CHECK(alice.take().size() == 1);
  CHECK(bob.take().empty());
  bob.text(send_frame(lobby.id, "x"));
  CHECK(bob.take_one().at("error") == "ROOM_ACCESS_DENIED");
}

TEST_CASE_FIXTURE(chat_fixture, "leaving a room not joined only replies") {
  client alice = joined("alice", lobby.id);
  client bob = connect("bob");
  bob.text(leave_frame(lobby.id));
  CHECK(bob.take_one() == parse(R"({"leave":"1"})"));
  CHECK(alice.take().empty());
}

TEST_CASE_FIXTURE(chat_fixture,
                  "disconnect notifies the others, stops delivery, presence shows left") {
  client alice = joined("alice", lobby.id);
  client bob = joined("bob", lobby.id);
  bob.text(join_frame(other.id));
  alice.take();
  bob.take();
  bob.session->on_close();
  CHECK(alice.take_one() == parse(R"({"msg_type":5,"room":1,"username":"bob"})"));
  CHECK(layer.group_size(group_name(lobby.id)) == 1);
  CHECK(layer.group_size(group_name(other.id)) == 0);
  CHECK(layer.group_size(user_group_name(bob.session->user().id)) == 0);
  alice.text(send_frame(lobby.id, "bye"));
  CHECK(bob.take().empty());
  alice.take();
  alice.text(R"({"command":"room_users","room":1})");
  auto users = alice.take_one().at("data").at("users").as_object();
  CHECK(users.at("2").at("left") == true);
  CHECK(users.at("1").at("left") == false);
  bob.session->on_close();  // idempotent: no second notice
  CHECK(alice.take().empty());
  CHECK(hub->open_connections() == 1);
}

TEST_CASE_FIXTURE(chat_fixture, "room_users lists present users with name and last_update") {
  wall_now = std::chrono::system_clock::time_point(std::chrono::seconds(1732460000));
  client alice = joined("alice", lobby.id);
  client carol = connect("carol");  // presence does not require membership
  carol.text(R"({"command":"room_users","room":"1"})");
  const auto frame = carol.take_one();
  CHECK(frame.at("type") == 6);
  CHECK(frame.at("room") == 1);
  const auto& entry = frame.at("data").at("users").at("1");
  CHECK(entry.at("username") == "alice");
  CHECK(entry.at("name") == "alice N.");
  CHECK(entry.at("left") == false);
  CHECK(entry.at("last_update").as_double() == doctest::Approx(1732460000.0));
}

TEST_CASE("with enter/leave notices off, members get no ENTER or LEAVE frames") {
  hub_options options;
  options.enter_leave_notices = false;
  chat_fixture f(options);
  client alice = f.joined("alice", f.lobby.id);
  client bob = f.joined("bob", f.lobby.id);
  CHECK(alice.take().empty());
  bob.text(chat_fixture::leave_frame(f.lobby.id));
  CHECK(alice.take().empty());
  bob.text(chat_fixture::join_frame(f.lobby.id));
  bob.session->on_close();
  CHECK(alice.take().empty());
  alice.text(chat_fixture::send_frame(f.lobby.id, "alone"));
  CHECK(alice.take().size() == 1);
}

TEST_CASE_FIXTURE(chat_fixture, "a vanished member does not stop delivery to the others") {
  client alice = joined("alice", lobby.id);
  client ghost = joined("ghost", lobby.id);
  client bob = joined("bob", lobby.id);
  alice.take();
  ghost.take();
  ghost.conn->behave(fake_connection::behaviour::vanished);
  alice.text(send_frame(lobby.id, "anyone?"));
  CHECK(alice.take().size() == 1);
  CHECK(bob.take().size() == 1);
  CHECK(ghost.take().empty());
  CHECK(ghost.conn->closes().empty());  // closed sends are not an overflow
}

TEST_CASE_FIXTURE(chat_fixture, "a slow client is closed with 1013 once and others still receive") {
  client alice = joined("alice", lobby.id);
  client slow = joined("slow", lobby.id);
  alice.take();
  slow.conn->behave(fake_connection::behaviour::slow);
  alice.text(send_frame(lobby.id, "one"));
  alice.text(send_frame(lobby.id, "two"));
  CHECK(alice.take().size() == 2);
  auto closes = slow.conn->closes();
  REQUIRE(closes.size() == 1);
  CHECK(closes[0].first == close_code::try_again_later);
  CHECK(hub->stats().slow_disconnects == 1);
}

TEST_CASE("the consumer holds no lock of its own while it sends to the connection") {
  hub_options options;
  options.limits.max_rooms_per_connection = 1;
  chat_fixture f(options);
  client alice = f.connect("alice");
  std::size_t calls = 0;
  // Calls back into the consumer from inside send(): deadlocks if a lock is held.
  alice.conn->on_send = [&] {
    (void)alice.session->rooms();
    ++calls;
  };
  alice.text(chat_fixture::join_frame(f.lobby.id));  // reply
  alice.text(chat_fixture::join_frame(f.lobby.id));  // repeated reply
  alice.text(chat_fixture::join_frame(f.other.id));  // too many rooms
  alice.text(chat_fixture::send_frame(f.lobby.id, "hi"));
  alice.text(R"({"command":"room_users","room":1})");
  alice.text(chat_fixture::leave_frame(f.lobby.id));
  CHECK(calls == 6);
  alice.conn->on_send = nullptr;  // the hook captures the client itself
}
