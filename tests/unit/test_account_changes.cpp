// Live connections follow their account: chat_hub::update_user, disconnect_user and
// end_session act on sockets already open, not only on the next connect.
#include <doctest/doctest.h>

#include "support/chat_fixture.hpp"

using namespace whisper;
using namespace whisper::testing;
namespace json = boost::json;

namespace {

user account(user_id id, const std::string& username, bool staff, bool active = true) {
  user u;
  u.id = id;
  u.username = username;
  u.name = username + " N.";
  u.is_staff = staff;
  u.is_active = active;
  return u;
}

bool has_error(const std::vector<json::object>& frames, std::string_view code, room_id room) {
  for (const auto& f : frames) {
    const json::value* error = f.if_contains("error");
    const json::value* where = f.if_contains("room");
    if (error && error->is_string() && error->get_string() == code && where && where->is_int64() &&
        where->get_int64() == room) {
      return true;
    }
  }
  return false;
}

}  // namespace

TEST_CASE_FIXTURE(chat_fixture,
                  "a demoted staff member loses the staff-only room on its open socket") {
  client boss = connect("boss", true, 50);
  boss.text(join_frame(staff_room.id));
  boss.text(join_frame(lobby.id));
  client other_staff = joined("carol", staff_room.id, true);
  boss.take();

  hub->update_user(account(50, "boss", false));

  // The client is told, the others see it leave, the lobby is kept.
  const auto frames = boss.take();
  CHECK(has_error(frames, "ROOM_ACCESS_DENIED", staff_room.id));
  CHECK_FALSE(boss.session->joined(staff_room.id));
  CHECK(boss.session->joined(lobby.id));
  CHECK_FALSE(boss.session->user().is_staff);
  const auto notices = other_staff.take();
  REQUIRE(notices.size() == 1);
  CHECK(notices[0].at("msg_type") == 5);
  CHECK(notices[0].at("username") == "boss");

  // Nothing of the staff room reaches it any more, and it cannot get back in.
  other_staff.text(send_frame(staff_room.id, "staff only"));
  CHECK(boss.take().empty());
  boss.text(send_frame(staff_room.id, "still here?"));
  CHECK(has_error(boss.take(), "ROOM_ACCESS_DENIED", staff_room.id));
  boss.text(join_frame(staff_room.id));
  CHECK(has_error(boss.take(), "ROOM_ACCESS_DENIED", staff_room.id));
  boss.text(R"({"command":"room_users","room":)" + std::to_string(staff_room.id) + "}");
  CHECK(has_error(boss.take(), "ROOM_ACCESS_DENIED", staff_room.id));
  CHECK(boss.conn->closes().empty());
}

TEST_CASE_FIXTURE(chat_fixture, "every open connection of the user is re-checked, others are not") {
  client first = connect("boss", true, 50);
  client second = connect("boss", true, 50);
  client carol = connect("carol", true, 51);
  for (const client* c : {&first, &second, &carol}) c->text(join_frame(staff_room.id));
  first.take();
  second.take();
  carol.take();
  hub->update_user(account(50, "boss", false));
  CHECK_FALSE(first.session->joined(staff_room.id));
  CHECK_FALSE(second.session->joined(staff_room.id));
  CHECK(carol.session->joined(staff_room.id));
}

TEST_CASE_FIXTURE(chat_fixture, "a promoted user may join the staff room on the same socket") {
  client alice = connect("alice", false, 60);
  alice.text(join_frame(staff_room.id));
  CHECK(has_error(alice.take(), "ROOM_ACCESS_DENIED", staff_room.id));
  hub->update_user(account(60, "alice", true));
  CHECK(alice.take().empty());  // nothing to leave, nothing said
  alice.text(join_frame(staff_room.id));
  CHECK(alice.take_one().at("join") == json::value(std::to_string(staff_room.id)));
}

TEST_CASE_FIXTURE(chat_fixture, "a deactivated account's open sockets are closed with 1008") {
  client alice = joined("alice", lobby.id);
  const user_id id = alice.session->user().id;
  hub->update_user(account(id, "alice", false, false));
  CHECK(alice.conn->close_code() == close_code::policy_violation);
}

TEST_CASE_FIXTURE(chat_fixture, "ending a session closes only the connections of that session") {
  client phone = connect("alice", false, 70, session_tag("session-one"));
  client laptop = connect("alice", false, 70, session_tag("session-two"));
  client bob = connect("bob", false, 71, session_tag("session-one"));  // same tag, other user
  hub->end_session(70, session_tag("session-one"));
  CHECK(phone.conn->close_code() == close_code::policy_violation);
  CHECK(laptop.conn->closes().empty());
  CHECK(bob.conn->closes().empty());
  hub->end_session(70, "");  // no tag names no connection
  CHECK(laptop.conn->closes().empty());
}

TEST_CASE_FIXTURE(chat_fixture, "a logout costs a connection no group of its own") {
  client phone = connect("alice", false, 70, session_tag("s"));
  CHECK(layer.group_size(user_group_name(70)) == 1);
  phone.session->on_close();
  CHECK(layer.group_size(user_group_name(70)) == 0);
}

TEST_CASE("the session-cookie authenticator tags the session, never with the cookie itself") {
  memory_session_store sessions;
  memory_user_store users;
  const user alice = users.create(account(0, "alice", false), "hash");
  const std::string id = sessions.create(alice.id, std::chrono::hours(1));
  request h;
  h.cookies["sessionid"] = id;
  const auto result = session_cookie_authenticator(sessions, users)(h);
  REQUIRE(result);
  CHECK(result.session == session_tag(id));
  CHECK(result.session.size() == 16);
  CHECK(id.find(result.session) == std::string::npos);
  CHECK(session_tag(id) != session_tag(sessions.create(alice.id, std::chrono::hours(1))));
}

TEST_CASE("a user.changed event survives the trip through another process") {
  const auto e = make_user_changed_event(account(7, "boss", true, true));
  const auto copy = deserialize_event(serialize_event(*e));
  REQUIRE(copy);
  const auto* changed = copy->as<user_changed>();
  REQUIRE(changed);
  CHECK(changed->now.username == "boss");
  CHECK(changed->now.is_staff);
  CHECK(changed->now.is_active);
  // Data missing a flag: the whole event is refused rather than applied half.
  CHECK_FALSE(deserialize_event(
      R"({"type":"user.changed","room":0,"username":"boss","message":"","kind":0,"data":"{\"is_staff\":1}"})"));
}

TEST_CASE_FIXTURE(chat_fixture, "connections() lists the open connections, not the closed ones") {
  client alice = connect("alice", false, 80, session_tag("a"));
  client bob = connect("bob", false, 81);
  CHECK(hub->connections().size() == 2);
  alice.session->on_close();
  const auto open = hub->connections();
  REQUIRE(open.size() == 1);
  CHECK(open[0] == bob.session);
  CHECK(bob.session->session().empty());
  CHECK(alice.session->session() == session_tag("a"));
}

TEST_CASE_FIXTURE(chat_fixture, "a consumer dropped without on_close() leaves connections()") {
  {
    client ghost = connect("ghost", false, 90);
    client carol = connect("carol", false, 91);
    carol.session->on_close();
    CHECK(hub->connections().size() == 1);
    layer.remove_channel(ghost.session->channel_name());  // as a careless transport would
  }
  CHECK(hub->connections().empty());
  client dave = connect("dave", false, 92);
  CHECK(hub->connections().size() == 1);
}
