// The core's events, each made with its client frame encoded once, and their JSON form
// for channel layers that cross processes.
#include "whisper/event.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include "whisper/errors.hpp"
#include "whisper/protocol.hpp"

namespace whisper {

namespace json = boost::json;

namespace {

constexpr std::string_view room_deleted_text = "This room was deleted.";

// The wire frame of a core event type, or null for types without one.
payload_ptr encode_core_wire(const event& e) {
  if (e.type == event_type::chat_message) {
    return encode_room_message(e.room, static_cast<msg_type>(e.kind), e.username, e.message);
  }
  if (e.type == event_type::chat_join) {
    return encode_room_message(e.room, msg_type::enter, e.username, {});
  }
  if (e.type == event_type::chat_leave) {
    return encode_room_message(e.room, msg_type::leave, e.username, {});
  }
  if (e.type == event_type::room_deleted) {
    return encode_error(error_code::room_invalid, e.room, room_deleted_text);
  }
  return nullptr;
}

event_ptr finish(event e) {
  e.wire = encode_core_wire(e);
  return std::make_shared<const event>(std::move(e));
}

// ENTER and LEAVE: who, where; their frame has no "message" key.
event_ptr make_notice(std::string_view type, msg_type kind, room_id room, std::string username) {
  event e;
  e.type = std::string(type);
  e.room = room;
  e.username = std::move(username);
  e.kind = static_cast<int>(kind);
  return finish(std::move(e));
}

}  // namespace

event_ptr make_message_event(room_id room, msg_type kind, std::string username,
                             std::string message) {
  event e;
  e.type = std::string(event_type::chat_message);
  e.room = room;
  e.username = std::move(username);
  e.message = std::move(message);
  e.kind = static_cast<int>(kind);
  return finish(std::move(e));
}

event_ptr make_enter_event(room_id room, std::string username) {
  return make_notice(event_type::chat_join, msg_type::enter, room, std::move(username));
}

event_ptr make_leave_event(room_id room, std::string username) {
  return make_notice(event_type::chat_leave, msg_type::leave, room, std::move(username));
}

event_ptr make_room_deleted_event(room_id room) {
  event e;
  e.type = std::string(event_type::room_deleted);
  e.room = room;
  return finish(std::move(e));
}

event_ptr make_user_disconnect_event(int code, std::string_view reason, std::string_view session) {
  event e;
  e.type = std::string(event_type::user_disconnect);
  json::object data;
  data["code"] = code;
  data["reason"] = json::string_view(reason.data(), reason.size());
  if (!session.empty()) data["session"] = json::string_view(session.data(), session.size());
  e.data = json::serialize(data);
  return std::make_shared<const event>(std::move(e));  // no wire frame: it closes instead
}

event_ptr make_user_changed_event(const user& now) {
  event e;
  e.type = std::string(event_type::user_changed);
  e.username = now.username;
  json::object data;
  data["name"] = now.name;
  data["is_staff"] = now.is_staff;
  data["is_active"] = now.is_active;
  e.data = json::serialize(data);
  return std::make_shared<const event>(std::move(e));  // no wire frame: receivers decide
}

std::optional<user> user_from_changed_event(const event& e) {
  json::error_code ec;
  json::value v = json::parse(e.data, ec);
  if (ec || !v.is_object()) return std::nullopt;
  const json::object& o = v.get_object();
  const json::value* name = o.if_contains("name");
  const json::value* staff = o.if_contains("is_staff");
  const json::value* active = o.if_contains("is_active");
  if (!name || !name->is_string() || !staff || !staff->is_bool() || !active || !active->is_bool()) {
    return std::nullopt;
  }
  user u;
  u.username = e.username;
  u.name = std::string(name->get_string());
  u.is_staff = staff->get_bool();
  u.is_active = active->get_bool();
  return u;
}

event_ptr make_custom_event(std::string type, room_id room, std::string data, payload_ptr wire) {
  event e;
  e.type = std::move(type);
  e.room = room;
  e.data = std::move(data);
  e.wire = std::move(wire);
  return std::make_shared<const event>(std::move(e));
}

std::string serialize_event(const event& e) {
  json::object o;
  o.reserve(6);
  o["type"] = e.type;
  o["room"] = e.room;
  o["username"] = e.username;
  o["message"] = e.message;
  o["kind"] = e.kind;
  o["data"] = e.data;
  return json::serialize(o);
}

event_ptr deserialize_event(std::string_view text) {
  json::error_code ec;
  json::value v = json::parse(json::string_view(text.data(), text.size()), ec);
  if (ec || !v.is_object()) return nullptr;
  const json::object& o = v.get_object();

  // Every field must be present with its type: a malformed peer message is dropped whole.
  const json::value* type = o.if_contains("type");
  const json::value* room = o.if_contains("room");
  const json::value* username = o.if_contains("username");
  const json::value* message = o.if_contains("message");
  const json::value* kind = o.if_contains("kind");
  const json::value* data = o.if_contains("data");
  if (!type || !type->is_string() || !room || !room->is_int64() || !username ||
      !username->is_string() || !message || !message->is_string() || !kind || !kind->is_int64() ||
      !data || !data->is_string()) {
    return nullptr;
  }
  const std::int64_t k = kind->get_int64();
  if (k < 0 || k > static_cast<int>(msg_type::internal)) return nullptr;

  event e;
  e.type = std::string(type->get_string());
  e.room = room->get_int64();
  e.username = std::string(username->get_string());
  e.message = std::string(message->get_string());
  e.kind = static_cast<int>(k);
  e.data = std::string(data->get_string());
  return finish(std::move(e));
}

}  // namespace whisper
