// Decoding and shape-checking the frames the core sends to clients (PROTOCOL.md "Server
// -> client frames"), for the dispatch fuzz target's invariants.
#pragma once

#include <boost/json/object.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "whisper/connection.hpp"
#include "whisper/room.hpp"

namespace whisper_fuzz {

/// One server frame, decoded. `kind` names its shape: an error code ("ROOM_INVALID"...),
/// "join", "leave", "msg" (msg_type 0..5) or "users" (type 6).
struct wire_frame {
  whisper::payload_ptr bytes;
  boost::json::object json;
  std::string kind;
  std::optional<whisper::room_id> room;
  int msg_type = -1;  ///< for "msg"
};

/// Decodes a frame and checks it has one of the shapes PROTOCOL.md allows (aborts if not).
wire_frame decode_frame(const whisper::payload_ptr& bytes);
std::vector<wire_frame> decode_frames(const std::vector<whisper::payload_ptr>& frames);

/// The string field `name` of a frame ("" when absent).
std::string string_field(const wire_frame& frame, std::string_view name);

}  // namespace whisper_fuzz
