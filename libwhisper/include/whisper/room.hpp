// A chat room and the name of its group on the channel layer.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace whisper {

using room_id = std::int64_t;

/// A room. Plain value type.
///
/// Thread safety: distinct objects safe; a shared object is safe for concurrent reads.
struct room {
  room_id id = 0;
  std::string title;
  bool staff_only = false;
};

/// The channel-layer group of a room: "room-<id>" (protocol.md §3,
/// installed as share/doc/whisper/protocol.md).
std::string group_name(room_id id);

/// Reads a room id from its wire form: an integer, or a string of decimal digits
/// (the original's client sends strings). Returns nullopt for anything else.
std::optional<room_id> parse_room_id(std::string_view text);

}  // namespace whisper
