// The wire format of protocol.md (installed as share/doc/whisper/protocol.md), sans-IO: encoders
// for every server frame. Each returns a shared frame ready for connection::queue.
#pragma once

#include <optional>
#include <string_view>
#include <vector>

#include "whisper/connection.hpp"
#include "whisper/errors.hpp"
#include "whisper/event.hpp"
#include "whisper/presence.hpp"
#include "whisper/room.hpp"

namespace whisper {

/// {"join": "<id>", "title": "<title>"} — the id as a string, as in the original.
payload_ptr encode_join_reply(room_id room, std::string_view title);
/// {"leave": "<id>"}
payload_ptr encode_leave_reply(room_id room);
/// {"error": "CODE"} plus, beyond the original, "room" and a human "message" when given.
payload_ptr encode_error(error_code code, std::optional<room_id> room = std::nullopt,
                         std::string_view message = {});
/// {"msg_type": N, "room": <id>, "username": "...", "message": "..."}; "message" is left
/// out for ENTER and LEAVE, as in the original.
payload_ptr encode_room_message(room_id room, msg_type kind, std::string_view username,
                                std::string_view message);
/// {"type": 6, "room": <id>, "data": {"users": {"<user id>": {...}}}}
payload_ptr encode_room_users(room_id room, const std::vector<presence_entry>& users);

}  // namespace whisper
