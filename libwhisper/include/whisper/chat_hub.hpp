// The hub an embedder creates: it ties a channel layer, a room lookup, presence and
// the auth policy together and makes a consumer for each authenticated connection.
#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "whisper/auth.hpp"
#include "whisper/channel_layer.hpp"
#include "whisper/consumer.hpp"
#include "whisper/dispatcher.hpp"
#include "whisper/event.hpp"
#include "whisper/limits.hpp"
#include "whisper/lookups.hpp"
#include "whisper/presence.hpp"

namespace whisper {

/// Options of a chat hub.
struct hub_options {
  whisper::limits limits;
  /// Send ENTER (msg_type 4) and LEAVE (msg_type 5) notices to a room's members.
  bool enter_leave_notices = true;
  /// Clock for rate limiting; tests pass their own. Defaults to steady_clock::now.
  std::function<std::chrono::steady_clock::time_point()> steady_now;
};

/// Counters, updated with relaxed atomics (for metrics; read at any time).
struct hub_stats {
  std::atomic<std::uint64_t> connections_opened{0};
  std::atomic<std::uint64_t> connections_closed{0};
  std::atomic<std::uint64_t> frames_in{0};
  std::atomic<std::uint64_t> messages_in{0};  ///< accepted `send` commands
  std::atomic<std::uint64_t> joins{0};
  std::atomic<std::uint64_t> leaves{0};
  std::atomic<std::uint64_t> deliveries{0};  ///< frames queued to clients
  std::atomic<std::uint64_t> errors_sent{0};
  std::atomic<std::uint64_t> rate_limited{0};
  std::atomic<std::uint64_t> slow_disconnects{0};  ///< clients closed for outbound overflow
};

/// Handles one event type for one consumer (e.g. to encode an embedder's event).
using event_handler = std::function<void(consumer& self, const event& e)>;

/// The chat hub. The layer, the rooms (any room_lookup, e.g. a room_directory of
/// account_stores.hpp) and presence must outlive it.
///
/// Thread safety: configuration (set_room_policy, commands().add, on_event) must happen
/// before connections are served. connect(), publish(), delete_room() and
/// disconnect_user() may then be called concurrently from any thread.
class chat_hub {
 public:
  chat_hub(channel_layer& layer, room_lookup& rooms, presence& presence, hub_options options = {});
  ~chat_hub();
  chat_hub(const chat_hub&) = delete;
  chat_hub& operator=(const chat_hub&) = delete;

  /// Replaces the room policy (default: staff_only_policy()).
  void set_room_policy(room_policy policy);
  /// The command table; add your own commands here.
  dispatcher& commands() { return dispatcher_; }
  /// Registers a handler for an event type (a null handler removes it). The core's types
  /// (event_type) are built in: chat.* send the event's pre-encoded frame, room.deleted,
  /// user.disconnect and user.changed act on the consumer; a handler given here replaces
  /// the built-in one. Any other name is a custom event's type (custom_event::type).
  void on_event(std::string type, event_handler handler);

  /// Makes the consumer of a new, authenticated connection. `session` is the tag of the
  /// login session it rides on (auth_result::session), or empty.
  std::shared_ptr<consumer> connect(std::shared_ptr<connection> conn, user who,
                                    std::string session = {});

  /// Server-side publish: a message or notice (msg_type 0..3) from `username` to every
  /// member of a room, in every process. Returns false if the room does not exist.
  bool publish(room_id room, msg_type kind, std::string username, std::string message);
  /// Tells the members of a (just deleted) room and removes them from it, in every process.
  void delete_room(room_id room);
  /// Closes every connection of a user, in every process (account disabled or deleted,
  /// password changed: every session of the user ended).
  void disconnect_user(user_id id, int code = close_code::policy_violation,
                       std::string_view reason = "account disabled");
  /// Closes the connections of user `id` that ride on one login session (a logout), in
  /// every process. `session` is the tag the authenticator gave (session_tag()).
  void end_session(user_id id, std::string_view session, int code = close_code::policy_violation,
                   std::string_view reason = "logged out");
  /// Tells every live connection of a user, in every process, that the account changed:
  /// an inactive account is disconnected (1008); otherwise each connection takes the new
  /// name and flags and leaves every room the room policy no longer admits (the others
  /// get the usual LEAVE notice, the client an error frame for that room). Call it after
  /// any change of is_staff, is_active or name; the core never reads the user store.
  void update_user(const user& now);

  channel_layer& layer() const { return layer_; }
  room_lookup& rooms() const { return rooms_; }
  whisper::presence& presence() const { return presence_; }
  const hub_options& options() const { return options_; }
  const room_policy& policy() const { return policy_; }
  const dispatcher& commands() const { return dispatcher_; }
  hub_stats& stats() { return stats_; }
  /// Connections open now (opened − closed).
  std::uint64_t open_connections() const;
  /// The consumers of this process's open connections, at this moment (a snapshot: each
  /// may close at any time). For re-checking live connections against a store that
  /// another process changed; not for the hot path (it copies the whole set).
  std::vector<std::shared_ptr<consumer>> connections();
  /// Used by consumer::on_close() and ~consumer(): the connection is no longer open.
  void forget_connection(consumer* gone);

  /// The handler for an event, or null: found by kind for the core's kinds (an array
  /// index), by name for custom events.
  const event_handler* handler_for(const event& e) const;
  /// True when events of this kind are delivered by sending their wire frame as is:
  /// chat_message, member_joined and member_left unless on_event() replaced a chat.*
  /// handler. Consumers check this before handler_for(): it is the broadcast path, once
  /// per recipient, and two integer comparisons cost less than a std::function call.
  bool forwards_wire(event_kind kind) const {
    return chat_kinds_forward_wire_ && kind <= event_kind::member_left;
  }
  std::chrono::steady_clock::time_point steady_now() const;

 private:
  channel_layer& layer_;
  room_lookup& rooms_;
  whisper::presence& presence_;
  hub_options options_;
  room_policy policy_;
  dispatcher dispatcher_;
  // The core's kinds by index (resolved once, at on_event()); custom types by name.
  std::array<event_handler, event_kind_count> kind_handlers_;
  std::map<std::string, event_handler, std::less<>> custom_handlers_;
  bool chat_kinds_forward_wire_ = true;  // no chat.* handler replaced
  hub_stats stats_;
  // Open connections, for connections(): a list linked through the consumers
  // (consumer::registry_*), guarded by connections_mutex_.
  std::mutex connections_mutex_;
  consumer* connections_head_ = nullptr;
};

/// The group every connection of a user is in: "user-<id>" (used to disconnect a user
/// in every process).
std::string user_group_name(user_id id);

}  // namespace whisper
