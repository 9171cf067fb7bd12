// Encoders for every server frame of PROTOCOL.md. Boost.JSON does the escaping; objects
// keep insertion order, so keys come out in the order of the PROTOCOL.md examples. The
// frames of every connect and every chat message (join reply, room messages) are written
// directly, with the escaping Boost.JSON applies, byte for byte: no object to build.
#include "whisper/protocol.hpp"

#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>
#include <string>
#include <string_view>

namespace whisper {

namespace json = boost::json;

namespace {

payload_ptr to_frame(const json::object& o) {
  return make_payload(json::serialize(o));
}

json::string_view as_json(std::string_view s) {
  return {s.data(), s.size()};
}

// `s` as a JSON string, quotes included, escaped as boost::json::serialize escapes it:
// '"', '\\' and control characters (short forms where JSON has them, else \u00xx);
// everything else, UTF-8 included, as it is.
void append_json_string(std::string& out, std::string_view s) {
  static constexpr char hex[] = "0123456789abcdef";
  out += '"';
  std::size_t plain = 0;  // start of the run of bytes that need no escape
  for (std::size_t i = 0; i < s.size(); ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c >= 0x20 && c != '"' && c != '\\') continue;
    out.append(s.data() + plain, i - plain);
    plain = i + 1;
    out += '\\';
    // The short escapes JSON has, else \u00xx.
    static constexpr std::string_view short_from = "\"\\\b\t\n\f\r";
    static constexpr std::string_view short_to = "\"\\btnfr";
    if (const std::size_t k = short_from.find(static_cast<char>(c)); k != std::string_view::npos) {
      out += short_to[k];
    } else {
      out += "u00";
      out += hex[c >> 4];
      out += hex[c & 0xF];
    }
  }
  out.append(s.data() + plain, s.size() - plain);
  out += '"';
}

}  // namespace

payload_ptr encode_join_reply(room_id room, std::string_view title) {
  std::string out;
  out.reserve(32 + title.size());
  out += R"({"join":")";
  out += std::to_string(room);  // a string, as the original sends it
  out += R"(","title":)";
  append_json_string(out, title);
  out += '}';
  return make_payload(std::move(out));
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
  // ENTER and LEAVE carry no text in the original.
  const bool text = kind != msg_type::enter && kind != msg_type::leave;
  std::string out;
  out.reserve(64 + username.size() + (text ? message.size() : 0));
  out += R"({"msg_type":)";
  out += std::to_string(static_cast<int>(kind));
  out += R"(,"room":)";
  out += std::to_string(room);  // a number here, unlike the join reply (as in the original)
  out += R"(,"username":)";
  append_json_string(out, username);
  if (text) {
    out += R"(,"message":)";
    append_json_string(out, message);
  }
  out += '}';
  return make_payload(std::move(out));
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
