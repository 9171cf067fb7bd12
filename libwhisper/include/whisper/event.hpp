// Typed events travelling over the channel layer, as in Django Channels
// ({"type": "chat.message", ...}). Each event carries its client frame, encoded once.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "whisper/connection.hpp"
#include "whisper/room.hpp"
#include "whisper/user.hpp"

namespace whisper {

/// msg_type codes of protocol.md (installed as share/doc/whisper/protocol.md).
enum class msg_type : int {
  message = 0,
  warning = 1,
  alert = 2,
  muted = 3,
  enter = 4,
  leave = 5,
  internal = 6,
};

/// Event type names used by the core.
namespace event_type {
inline constexpr std::string_view chat_message = "chat.message";  ///< msg_type 0..3
inline constexpr std::string_view chat_join = "chat.join";        ///< msg_type 4
inline constexpr std::string_view chat_leave = "chat.leave";      ///< msg_type 5
/// The room was deleted: members are told (frame) and removed from it.
inline constexpr std::string_view room_deleted = "room.deleted";
/// Close every connection of a user (sent to the group user-<id>); `data` holds the
/// close code and reason as {"code": N, "reason": "..."}, and with "session": "<tag>"
/// only the connections of that login session close (a logout).
inline constexpr std::string_view user_disconnect = "user.disconnect";
/// A user's account changed (sent to the group user-<id>): every live connection of the
/// user takes the new flags and leaves the rooms the room policy no longer admits.
/// `username` names the user; `data` holds {"name": "...", "is_staff": b, "is_active": b}.
inline constexpr std::string_view user_changed = "user.changed";
}  // namespace event_type

/// One event. Immutable once made; shared by pointer between every receiver.
///
/// Thread safety: immutable, safe to read from any thread.
struct event {
  std::string type;  ///< one of event_type, or an embedder's own type
  room_id room = 0;
  std::string username;
  std::string message;  ///< text for chat.message; empty otherwise
  int kind = 0;         ///< the wire msg_type
  std::string data;     ///< JSON text for embedder events (empty for the core's events)
  payload_ptr wire;     ///< the client frame, encoded once (null if the type has none)
};

using event_ptr = std::shared_ptr<const event>;

/// A chat message or notice (msg_type 0..3) in a room, with its wire frame encoded.
event_ptr make_message_event(room_id room, msg_type kind, std::string username,
                             std::string message);
/// A user entered (chat.join, msg_type 4) or left (chat.leave, msg_type 5) a room.
event_ptr make_enter_event(room_id room, std::string username);
event_ptr make_leave_event(room_id room, std::string username);
/// The room was deleted; the wire frame is
/// {"error": "ROOM_INVALID", "room": <id>, "message": "This room was deleted."}.
event_ptr make_room_deleted_event(room_id room);
/// Closes every connection of a user that receives it (see chat_hub::disconnect_user).
/// With a `session` tag, only the connections of that login session close.
event_ptr make_user_disconnect_event(int code, std::string_view reason,
                                     std::string_view session = {});
/// A user's account changed (see chat_hub::update_user).
event_ptr make_user_changed_event(const user& now);
/// The account in a user.changed event (id 0: the receiver knows its own), or nullopt
/// when the event's data is malformed.
std::optional<user> user_from_changed_event(const event& e);
/// An embedder's own event: `wire` may be null when receivers encode it themselves.
event_ptr make_custom_event(std::string type, room_id room, std::string data, payload_ptr wire);

/// Serialises an event for a channel layer that crosses processes (one JSON object:
/// type, room, username, message, kind, data; the wire frame is not sent, it is
/// re-encoded once by the receiving process).
std::string serialize_event(const event& e);
/// The inverse of serialize_event; re-encodes the wire frame for the core's own types.
/// Returns nullptr for malformed input.
event_ptr deserialize_event(std::string_view text);

}  // namespace whisper
