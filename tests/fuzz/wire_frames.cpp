#include "wire_frames.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

#include "fuzz_check.hpp"
#include "whisper/room.hpp"

namespace whisper_fuzz {

namespace json = boost::json;

namespace {

bool is_error_code(std::string_view code) {
  return code == "ROOM_INVALID" || code == "ROOM_ACCESS_DENIED" || code == "BAD_REQUEST" ||
         code == "MESSAGE_TOO_LONG" || code == "RATE_LIMITED";
}

const json::value* field(const json::object& o, std::string_view name) {
  return o.if_contains(json::string_view(name.data(), name.size()));
}

// A room id sent as a number (chat frames) must be an int64.
std::optional<whisper::room_id> numeric_room(const json::object& o) {
  const json::value* room = field(o, "room");
  if (!room) return std::nullopt;
  FUZZ_CHECK(room->is_int64());
  return room->get_int64();
}

// A room id sent as a string ({"join": "7"}) must be decimal digits.
whisper::room_id string_room(const json::value& v) {
  FUZZ_CHECK(v.is_string());
  const auto id = whisper::parse_room_id(std::string_view(v.get_string()));
  FUZZ_CHECK(id.has_value());
  return *id;
}

}  // namespace

wire_frame decode_frame(const whisper::payload_ptr& bytes) {
  FUZZ_CHECK(bytes != nullptr);
  json::error_code ec;
  json::value v = json::parse(*bytes, ec);
  FUZZ_CHECK(!ec && v.is_object());
  wire_frame f{bytes, std::move(v.get_object()), {}, std::nullopt, -1};
  const json::object& o = f.json;
  if (const json::value* error = field(o, "error")) {
    FUZZ_CHECK(error->is_string() && is_error_code(std::string_view(error->get_string())));
    f.kind = std::string(error->get_string());
    f.room = numeric_room(o);
    if (const json::value* message = field(o, "message")) FUZZ_CHECK(message->is_string());
  } else if (const json::value* join = field(o, "join")) {
    f.kind = "join";
    f.room = string_room(*join);
    const json::value* title = field(o, "title");
    FUZZ_CHECK(title && title->is_string());
  } else if (const json::value* leave = field(o, "leave")) {
    f.kind = "leave";
    f.room = string_room(*leave);
  } else if (const json::value* kind = field(o, "msg_type")) {
    f.kind = "msg";
    FUZZ_CHECK(kind->is_int64() && kind->get_int64() >= 0 && kind->get_int64() <= 5);
    f.msg_type = static_cast<int>(kind->get_int64());
    f.room = numeric_room(o);
    FUZZ_CHECK(f.room.has_value());
    const json::value* username = field(o, "username");
    FUZZ_CHECK(username && username->is_string());
    // ENTER and LEAVE carry no message; messages and notices do.
    const json::value* message = field(o, "message");
    FUZZ_CHECK((f.msg_type >= 4) == (message == nullptr));
    if (message) FUZZ_CHECK(message->is_string());
  } else {
    const json::value* type = field(o, "type");
    FUZZ_CHECK(type && type->is_int64() && type->get_int64() == 6);
    f.kind = "users";
    f.room = numeric_room(o);
    FUZZ_CHECK(f.room.has_value());
    const json::value* data = field(o, "data");
    FUZZ_CHECK(data && data->is_object());
    const json::value* users = field(data->get_object(), "users");
    FUZZ_CHECK(users && users->is_object());
  }
  return f;
}

std::vector<wire_frame> decode_frames(const std::vector<whisper::payload_ptr>& frames) {
  std::vector<wire_frame> out;
  out.reserve(frames.size());
  for (const auto& bytes : frames) out.push_back(decode_frame(bytes));
  return out;
}

std::string string_field(const wire_frame& frame, std::string_view name) {
  const json::value* v = field(frame.json, name);
  return v && v->is_string() ? std::string(v->get_string()) : std::string();
}

}  // namespace whisper_fuzz
