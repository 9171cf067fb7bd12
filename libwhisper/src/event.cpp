// The core's events, each decoded once and made with its client frame encoded once, and
// their JSON form for channel layers that cross processes.
#include "whisper/event.hpp"

#include <array>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>
#include <optional>
#include <utility>

#include "whisper/errors.hpp"
#include "whisper/protocol.hpp"

namespace whisper {

namespace json = boost::json;

namespace {

constexpr std::string_view room_deleted_text = "This room was deleted.";

// Indexed by event_kind; custom events carry their own name.
constexpr std::array<std::string_view, event_kind_count> kind_names = {
    event_type::chat_message, event_type::chat_join,       event_type::chat_leave,
    event_type::room_deleted, event_type::user_disconnect, event_type::user_changed,
    std::string_view{}};

// The wire frame of an event of the core's kinds, or null for kinds without one.
payload_ptr encode_wire(const event& e) {
  switch (e.kind()) {
    case event_kind::chat_message: {
      const auto& m = std::get<chat_message>(e.body);
      return encode_room_message(e.room, m.kind, m.username, m.text);
    }
    case event_kind::member_joined:
      return encode_room_message(e.room, msg_type::enter, std::get<member_joined>(e.body).username,
                                 {});
    case event_kind::member_left:
      return encode_room_message(e.room, msg_type::leave, std::get<member_left>(e.body).username,
                                 {});
    case event_kind::room_deleted:
      return encode_error(error_code::room_invalid, e.room, room_deleted_text);
    case event_kind::user_disconnect:  // it closes instead
    case event_kind::user_changed:     // receivers decide
    case event_kind::custom:           // the embedder's wire, if any
      break;
  }
  return nullptr;
}

event_ptr finish(room_id room, event_body body) {
  event e{room, std::move(body), nullptr};
  e.wire = encode_wire(e);
  return std::make_shared<const event>(std::move(e));
}

std::string to_json(const user_disconnect& d) {
  json::object data;
  data["code"] = d.code;
  data["reason"] = json::string_view(d.reason.data(), d.reason.size());
  if (!d.session.empty()) data["session"] = json::string_view(d.session.data(), d.session.size());
  return json::serialize(data);
}

std::string to_json(const user& now) {
  json::object data;
  data["name"] = now.name;
  data["is_staff"] = now.is_staff;
  data["is_active"] = now.is_active;
  return json::serialize(data);
}

const json::object* parse_object(std::string_view text, json::value& storage) {
  json::error_code ec;
  storage = json::parse(json::string_view(text.data(), text.size()), ec);
  return !ec && storage.is_object() ? &storage.get_object() : nullptr;
}

// user.disconnect data; what is missing or unreadable keeps the default (as in 0.1: a
// disconnect is never ignored for a malformed detail).
user_disconnect disconnect_from_json(std::string_view text) {
  user_disconnect d{close_code::policy_violation, "account disabled", {}};
  json::value storage;
  const json::object* o = parse_object(text, storage);
  if (!o) return d;
  if (const json::value* c = o->if_contains("code"); c && c->is_int64()) {
    d.code = static_cast<int>(c->get_int64());
  }
  if (const json::value* r = o->if_contains("reason"); r && r->is_string()) {
    d.reason = std::string(r->get_string());
  }
  if (const json::value* s = o->if_contains("session"); s && s->is_string()) {
    d.session = std::string(s->get_string());
  }
  return d;
}

// user.changed data: every field must be there, or the change is not applied.
std::optional<user_changed> changed_from_json(std::string username, std::string_view text) {
  json::value storage;
  const json::object* o = parse_object(text, storage);
  if (!o) return std::nullopt;
  const json::value* name = o->if_contains("name");
  const json::value* staff = o->if_contains("is_staff");
  const json::value* active = o->if_contains("is_active");
  if (!name || !name->is_string() || !staff || !staff->is_bool() || !active || !active->is_bool()) {
    return std::nullopt;
  }
  user u;
  u.username = std::move(username);
  u.name = std::string(name->get_string());
  u.is_staff = staff->get_bool();
  u.is_active = active->get_bool();
  return user_changed{std::move(u)};
}

// The fields of the serialised form, decoded into a typed event (nullopt: malformed).
std::optional<event_body> decode_body(event_kind kind, std::string type, std::string username,
                                      std::string message, int wire_kind, std::string data) {
  switch (kind) {
    case event_kind::chat_message:
      return chat_message{static_cast<msg_type>(wire_kind), std::move(username),
                          std::move(message)};
    case event_kind::member_joined:
      return member_joined{std::move(username)};
    case event_kind::member_left:
      return member_left{std::move(username)};
    case event_kind::room_deleted:
      return room_deleted{};
    case event_kind::user_disconnect:
      return disconnect_from_json(data);
    case event_kind::user_changed:
      if (auto changed = changed_from_json(std::move(username), data)) return std::move(*changed);
      return std::nullopt;
    case event_kind::custom:
      break;
  }
  return custom_event{std::move(type), std::move(data)};
}

}  // namespace

std::string_view event::type() const noexcept {
  if (const auto* custom = std::get_if<custom_event>(&body)) return custom->type;
  return kind_names[body.index()];
}

event_kind event_kind_of(std::string_view type) noexcept {
  for (std::size_t i = 0; i + 1 < kind_names.size(); ++i) {
    if (kind_names[i] == type) return static_cast<event_kind>(i);
  }
  return event_kind::custom;
}

event_ptr make_message_event(room_id room, msg_type kind, std::string username,
                             std::string message) {
  return finish(room, chat_message{kind, std::move(username), std::move(message)});
}

event_ptr make_enter_event(room_id room, std::string username) {
  return finish(room, member_joined{std::move(username)});
}

event_ptr make_leave_event(room_id room, std::string username) {
  return finish(room, member_left{std::move(username)});
}

event_ptr make_room_deleted_event(room_id room) {
  return finish(room, room_deleted{});
}

event_ptr make_user_disconnect_event(int code, std::string_view reason, std::string_view session) {
  return finish(0, user_disconnect{code, std::string(reason), std::string(session)});
}

event_ptr make_user_changed_event(const user& now) {
  user copy = now;
  copy.id = 0;  // as it arrives from another process: receivers know their own id
  return finish(0, user_changed{std::move(copy)});
}

event_ptr make_custom_event(std::string type, room_id room, std::string data, payload_ptr wire) {
  const event_kind kind = event_kind_of(type);
  if (kind != event_kind::custom) {
    // A core type name: decoded as from another process (no username or message here).
    if (auto body = decode_body(kind, type, {}, {}, 0, data)) return finish(room, std::move(*body));
  }
  // An embedder's type, or a core one with unreadable data (which no handler takes).
  event e{room, custom_event{std::move(type), std::move(data)}, std::move(wire)};
  return std::make_shared<const event>(std::move(e));
}

std::string serialize_event(const event& e) {
  std::string_view username;
  std::string_view message;
  int wire_kind = 0;
  std::string_view data;
  std::string data_json;  // the user kinds' data, encoded here
  switch (e.kind()) {
    case event_kind::chat_message: {
      const auto& m = std::get<chat_message>(e.body);
      username = m.username;
      message = m.text;
      wire_kind = static_cast<int>(m.kind);
      break;
    }
    case event_kind::member_joined:
      username = std::get<member_joined>(e.body).username;
      wire_kind = static_cast<int>(msg_type::enter);
      break;
    case event_kind::member_left:
      username = std::get<member_left>(e.body).username;
      wire_kind = static_cast<int>(msg_type::leave);
      break;
    case event_kind::room_deleted:
      break;
    case event_kind::user_disconnect:
      data_json = to_json(std::get<user_disconnect>(e.body));
      data = data_json;
      break;
    case event_kind::user_changed: {
      const user& now = std::get<user_changed>(e.body).now;
      username = now.username;
      data_json = to_json(now);
      data = data_json;
      break;
    }
    case event_kind::custom:
      data = std::get<custom_event>(e.body).data;
      break;
  }
  const std::string_view type = e.type();
  json::object o;
  o.reserve(6);
  o["type"] = json::string_view(type.data(), type.size());
  o["room"] = e.room;
  o["username"] = json::string_view(username.data(), username.size());
  o["message"] = json::string_view(message.data(), message.size());
  o["kind"] = wire_kind;
  o["data"] = json::string_view(data.data(), data.size());
  return json::serialize(o);
}

event_ptr deserialize_event(std::string_view text) {
  json::value storage;
  const json::object* o = parse_object(text, storage);
  if (!o) return nullptr;

  // Every field must be present with its type: a malformed peer message is dropped whole.
  const json::value* type = o->if_contains("type");
  const json::value* room = o->if_contains("room");
  const json::value* username = o->if_contains("username");
  const json::value* message = o->if_contains("message");
  const json::value* kind = o->if_contains("kind");
  const json::value* data = o->if_contains("data");
  if (!type || !type->is_string() || !room || !room->is_int64() || !username ||
      !username->is_string() || !message || !message->is_string() || !kind || !kind->is_int64() ||
      !data || !data->is_string()) {
    return nullptr;
  }
  const std::int64_t k = kind->get_int64();
  if (k < 0 || k > static_cast<int>(msg_type::internal)) return nullptr;

  std::string type_name(type->get_string());
  const event_kind what = event_kind_of(type_name);  // before type_name is moved from
  auto body = decode_body(what, std::move(type_name), std::string(username->get_string()),
                          std::string(message->get_string()), static_cast<int>(k),
                          std::string(data->get_string()));
  if (!body) return nullptr;
  return finish(room->get_int64(), std::move(*body));
}

}  // namespace whisper
