// Room ids: their group name on the channel layer and their wire form.
#include "whisper/room.hpp"

#include <charconv>

namespace whisper {

std::string group_name(room_id id) {
  return "room-" + std::to_string(id);
}

std::optional<room_id> parse_room_id(std::string_view text) {
  // Only plain decimal digits: no sign, no spaces, no "0x", no trailing garbage (the
  // original's client sends the id it got in {"join": "7"} back as a string).
  if (text.empty()) return std::nullopt;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
  }
  room_id value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc{} || end != text.data() + text.size()) return std::nullopt;  // overflow
  return value;
}

}  // namespace whisper
