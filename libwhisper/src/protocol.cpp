// Encoders for every server frame of PROTOCOL.md. Boost.JSON does the escaping; objects
// keep insertion order, so keys come out in the order of the PROTOCOL.md examples.
#include "whisper/protocol.hpp"

#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>
#include <string>

namespace whisper {

namespace json = boost::json;

namespace {

payload_ptr to_frame(const json::object& o) {
  return make_payload(json::serialize(o));
}

json::string_view as_json(std::string_view s) {
  return {s.data(), s.size()};
}

}  // namespace

payload_ptr encode_join_reply(room_id room, std::string_view title) {
  json::object o;
  o.reserve(2);
  o["join"] = std::to_string(room);  // a string, as the original sends it
  o["title"] = as_json(title);
  return to_frame(o);
}

payload_ptr encode_leave_reply(room_id room) {
  json::object o;
  o["leave"] = std::to_string(room);
  return to_frame(o);
}

payload_ptr encode_error(error_code code, std::optional<room_id> room, std::string_view message) {
  json::object o;
  o.reserve(3);
  std::string_view spelled = to_string(code);
  o["error"] = as_json(spelled);
  if (room) o["room"] = *room;
  if (!message.empty()) o["message"] = as_json(message);
  return to_frame(o);
}

payload_ptr encode_room_message(room_id room, msg_type kind, std::string_view username,
                                std::string_view message) {
  json::object o;
  o.reserve(4);
  o["msg_type"] = static_cast<int>(kind);
  o["room"] = room;  // a number here, unlike the join reply (as in the original)
  o["username"] = as_json(username);
  // ENTER and LEAVE carry no text in the original.
  if (kind != msg_type::enter && kind != msg_type::leave) o["message"] = as_json(message);
  return to_frame(o);
}

payload_ptr encode_room_users(room_id room, const std::vector<presence_entry>& users) {
  json::object list;
  list.reserve(users.size());
  for (const presence_entry& e : users) {
    json::object u;
    u.reserve(4);
    u["username"] = as_json(e.username);
    u["name"] = as_json(e.name);
    u["left"] = e.left;
    u["last_update"] = e.last_update;
    list[std::to_string(e.id)] = std::move(u);
  }
  json::object data;
  data["users"] = std::move(list);
  json::object o;
  o.reserve(3);
  o["type"] = static_cast<int>(msg_type::internal);
  o["room"] = room;
  o["data"] = std::move(data);
  return to_frame(o);
}

}  // namespace whisper
