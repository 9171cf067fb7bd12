// Typed events travelling over the channel layer, as in Django Channels
// ({"type": "chat.message", ...}). Each event is decoded once, when it is made or read
// from another process: a receiver switches on a small integer (event::kind()), never
// compares type names or parses JSON. Each carries its client frame, encoded once.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <variant>

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

/// Event type names: what serialize_event() writes and chat_hub::on_event() takes.
namespace event_type {
inline constexpr std::string_view chat_message = "chat.message";        ///< chat_message
inline constexpr std::string_view chat_join = "chat.join";              ///< member_joined
inline constexpr std::string_view chat_leave = "chat.leave";            ///< member_left
inline constexpr std::string_view room_deleted = "room.deleted";        ///< room_deleted
inline constexpr std::string_view user_disconnect = "user.disconnect";  ///< user_disconnect
inline constexpr std::string_view user_changed = "user.changed";        ///< user_changed
}  // namespace event_type

/// A chat message or notice (msg_type 0..3) in the event's room.
struct chat_message {
  msg_type kind = msg_type::message;
  std::string username;
  std::string text;
};
/// A user entered the event's room (msg_type 4 to the members).
struct member_joined {
  std::string username;
};
/// A user left the event's room (msg_type 5 to the members).
struct member_left {
  std::string username;
};
/// The event's room was deleted: members are told (the frame) and removed from it.
struct room_deleted {};
/// Close every connection of a user (sent to the group user-<id>) with this close code
/// and reason; with a `session` tag only the connections of that login session (a logout).
struct user_disconnect {
  int code = 0;
  std::string reason;
  std::string session;  ///< empty: every connection of the user
};
/// A user's account changed (sent to the group user-<id>): every live connection of the
/// user takes the new name and flags and leaves the rooms the room policy no longer
/// admits. `now.id` is 0 after a trip through another process: the receiver knows its own.
struct user_changed {
  user now;
};
/// An embedder's own event: its type name and its data (any text, JSON by convention).
struct custom_event {
  std::string type;
  std::string data;
};

/// What an event is: the index of its alternative in event_body, in the same order.
enum class event_kind : std::uint8_t {
  chat_message,
  member_joined,
  member_left,
  room_deleted,
  user_disconnect,
  user_changed,
  custom,
};
/// How many kinds there are (for tables indexed by kind).
inline constexpr std::size_t event_kind_count = 7;

using event_body = std::variant<chat_message, member_joined, member_left, room_deleted,
                                user_disconnect, user_changed, custom_event>;
static_assert(std::variant_size_v<event_body> == event_kind_count);

/// One event. Immutable once made; shared by pointer between every receiver.
///
/// Thread safety: immutable, safe to read from any thread.
struct event {
  room_id room = 0;  ///< the room of the chat and room kinds; 0 for the user kinds
  event_body body;
  payload_ptr wire;  ///< the client frame, encoded once (null if the kind has none)

  event_kind kind() const noexcept { return static_cast<event_kind>(body.index()); }
  /// The type name: one of event_type, or a custom event's own.
  std::string_view type() const noexcept;
  /// The body as T, or null when the event is of another kind.
  template <class T>
  const T* as() const noexcept {
    return std::get_if<T>(&body);
  }
};

using event_ptr = std::shared_ptr<const event>;

/// The kind an event type name stands for; event_kind::custom for any other name.
event_kind event_kind_of(std::string_view type) noexcept;

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
/// An embedder's own event: `wire` may be null when receivers encode it themselves.
/// A core type name is read as another process's event would be (deserialize_event):
/// e.g. "user.disconnect" with `data` {"code": N, "reason": "..."}; unreadable data
/// there gives the defaults (1008, "account disabled").
event_ptr make_custom_event(std::string type, room_id room, std::string data, payload_ptr wire);

/// Serialises an event for a channel layer that crosses processes: one JSON object
/// {"type", "room", "username", "message", "kind", "data"} (the format of whisper 0.1,
/// so processes of both versions understand each other). "kind" is the msg_type,
/// "data" the JSON of user.disconnect ({"code", "reason", "session"}) and user.changed
/// ({"name", "is_staff", "is_active"}) or a custom event's data. The wire frame is not
/// sent: the receiving process encodes it once.
std::string serialize_event(const event& e);
/// The inverse of serialize_event: decodes the event once and encodes its wire frame
/// for the core's kinds. Returns nullptr for malformed input.
event_ptr deserialize_event(std::string_view text);

}  // namespace whisper
