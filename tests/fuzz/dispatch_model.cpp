#include "dispatch_model.hpp"

#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>
#include <string_view>

#include "fuzz_check.hpp"
#include "reference_utf8.hpp"

namespace whisper_fuzz {

namespace json = boost::json;

planned_command plan_command(FuzzedDataProvider& p, const whisper::limits& lim) {
  static constexpr const char* commands[] = {"join", "leave", "send", "room_users"};
  static constexpr whisper::room_id ids[] = {lobby, random_room, staff_room, missing_room, -1};
  planned_command plan;
  plan.command = commands[p.ConsumeIntegralInRange<int>(0, 3)];
  plan.room = ids[p.ConsumeIntegralInRange<int>(0, 4)];
  plan.form = static_cast<room_form>(p.ConsumeIntegralInRange<int>(0, 4));
  if (plan.form == room_form::digits && plan.room < 0) plan.form = room_form::integer;
  // Around the limit: short, exactly at it, or just over.
  plan.message = valid_utf8_prefix(p.ConsumeRandomLengthString(lim.max_message_bytes + 8));

  json::object o;
  o["command"] = plan.command;
  switch (plan.form) {
    case room_form::integer:
      o["room"] = plan.room;
      break;
    case room_form::digits:
      o["room"] = std::to_string(plan.room);
      break;
    case room_form::missing:
      break;
    case room_form::word:
      o["room"] = "lobby";
      break;
    case room_form::fractional:
      o["room"] = 1.5;
      break;
  }
  if (plan.command == "send") o["message"] = plan.message;
  if (p.ConsumeBool()) o["extra"] = "unknown fields are ignored";
  plan.frame = json::serialize(o);
  return plan;
}

namespace {

// The sender got exactly one frame, of this kind; nobody else got anything.
void expect_only(const dispatch_world::replies_t& replies, std::size_t slot,
                 std::string_view kind) {
  FUZZ_CHECK(replies[slot].size() == 1 && replies[slot][0].kind == kind);
  for (std::size_t i = 0; i < replies.size(); ++i) FUZZ_CHECK(i == slot || replies[i].empty());
}

// Each other member of `room` (per `members`) got exactly one notice of `msg_type` about
// the sender; every other slot got nothing.
void expect_notice(dispatch_world& w, std::size_t slot, const dispatch_world::replies_t& replies,
                   const dispatch_world::memberships_t& members, whisper::room_id room,
                   int msg_type) {
  for (std::size_t i = 0; i < replies.size(); ++i) {
    if (i == slot || w.lost(i)) continue;
    if (!w.notices() || members[i].count(room) == 0) {
      FUZZ_CHECK(replies[i].empty());
      continue;
    }
    FUZZ_CHECK(replies[i].size() == 1);
    const wire_frame& f = replies[i][0];
    FUZZ_CHECK(f.kind == "msg" && f.msg_type == msg_type && f.room == room);
    FUZZ_CHECK(string_field(f, "username") == w.user(slot).username);
  }
}

void check_join(dispatch_world& w, std::size_t slot, whisper::room_id room,
                const dispatch_world::memberships_t& before,
                const dispatch_world::replies_t& replies) {
  const auto found = w.rooms().find(room);
  if (!found) return expect_only(replies, slot, "ROOM_INVALID");
  if (found->staff_only && !w.user(slot).is_staff)
    return expect_only(replies, slot, "ROOM_ACCESS_DENIED");
  const bool already = before[slot].count(room) != 0;
  if (!already && before[slot].size() >= w.limits().max_rooms_per_connection)
    return expect_only(replies, slot, "ROOM_ACCESS_DENIED");
  FUZZ_CHECK(replies[slot].size() == 1 && replies[slot][0].kind == "join");
  FUZZ_CHECK(replies[slot][0].room == room &&
             string_field(replies[slot][0], "title") == found->title);
  FUZZ_CHECK(w.memberships()[slot].count(room) == 1);
  if (already) {
    for (std::size_t i = 0; i < replies.size(); ++i) FUZZ_CHECK(i == slot || replies[i].empty());
  } else {
    expect_notice(w, slot, replies, before, room, 4);  // ENTER, to those already in
  }
}

void check_leave(dispatch_world& w, std::size_t slot, whisper::room_id room,
                 const dispatch_world::memberships_t& before,
                 const dispatch_world::replies_t& replies) {
  if (!w.rooms().find(room)) return expect_only(replies, slot, "ROOM_INVALID");
  FUZZ_CHECK(replies[slot].size() == 1 && replies[slot][0].kind == "leave");
  FUZZ_CHECK(replies[slot][0].room == room);
  FUZZ_CHECK(w.memberships()[slot].count(room) == 0);
  if (before[slot].count(room) != 0) {
    expect_notice(w, slot, replies, w.memberships(), room, 5);  // LEAVE, to those remaining
  } else {
    for (std::size_t i = 0; i < replies.size(); ++i) FUZZ_CHECK(i == slot || replies[i].empty());
  }
}

void check_send(dispatch_world& w, std::size_t slot, const planned_command& plan,
                const dispatch_world::memberships_t& before,
                const dispatch_world::replies_t& replies) {
  if (before[slot].count(plan.room) == 0) return expect_only(replies, slot, "ROOM_ACCESS_DENIED");
  if (plan.message.size() > w.limits().max_message_bytes)
    return expect_only(replies, slot, "MESSAGE_TOO_LONG");
  // The sender gets its own message back (the other members: check_common).
  FUZZ_CHECK(replies[slot].size() == 1);
  const wire_frame& f = replies[slot][0];
  FUZZ_CHECK(f.kind == "msg" && f.msg_type == 0 && f.room == plan.room);
  FUZZ_CHECK(string_field(f, "message") == plan.message);
  FUZZ_CHECK(string_field(f, "username") == w.user(slot).username);
}

void check_room_users(dispatch_world& w, std::size_t slot, whisper::room_id room,
                      const dispatch_world::memberships_t& before,
                      const dispatch_world::replies_t& replies) {
  const auto found = w.rooms().find(room);
  if (!found) return expect_only(replies, slot, "ROOM_INVALID");
  if (found->staff_only && !w.user(slot).is_staff)
    return expect_only(replies, slot, "ROOM_ACCESS_DENIED");
  expect_only(replies, slot, "users");
  FUZZ_CHECK(replies[slot][0].room == room);
  if (before[slot].count(room) == 0) return;
  // The sender is in the room: it is listed, and not as left.
  const json::object& users =
      replies[slot][0].json.at("data").get_object().at("users").get_object();
  const json::value* me = users.if_contains(std::to_string(w.user(slot).id));
  FUZZ_CHECK(me && me->is_object());
  const json::value* left = me->get_object().if_contains("left");
  FUZZ_CHECK(left && left->is_bool() && !left->get_bool());
}

}  // namespace

void check_command(dispatch_world& w, std::size_t slot, const planned_command& plan,
                   const dispatch_world::memberships_t& before,
                   const dispatch_world::replies_t& replies) {
  if (plan.form == room_form::missing) return expect_only(replies, slot, "BAD_REQUEST");
  if (plan.form == room_form::word || plan.form == room_form::fractional)
    return expect_only(replies, slot, "ROOM_INVALID");
  if (plan.command == "join") return check_join(w, slot, plan.room, before, replies);
  if (plan.command == "leave") return check_leave(w, slot, plan.room, before, replies);
  if (plan.command == "send") return check_send(w, slot, plan, before, replies);
  check_room_users(w, slot, plan.room, before, replies);
}

}  // namespace whisper_fuzz
