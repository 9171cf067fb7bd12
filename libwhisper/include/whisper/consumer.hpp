// One consumer per client connection (the original's ChatConsumer): the user, the rooms
// it has joined (the original's self.rooms), and the glue between the connection, the
// command dispatcher and the channel layer.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "whisper/channel_layer.hpp"
#include "whisper/connection.hpp"
#include "whisper/errors.hpp"
#include "whisper/rate_limiter.hpp"
#include "whisper/room.hpp"
#include "whisper/user.hpp"

namespace whisper {

class chat_hub;

/// Made by chat_hub::connect(); lives until on_close() (the channel layer holds it while it
/// is registered).
///
/// Thread safety: on_text() and on_close() are called by the transport one at a time
/// (never concurrently with each other) for a given consumer; deliver() and the
/// send helpers may be called from any thread at any time.
class consumer final : public channel, public std::enable_shared_from_this<consumer> {
 public:
  /// Use chat_hub::connect().
  consumer(chat_hub& hub, std::shared_ptr<connection> conn, user who, std::string session = {});
  ~consumer() override;
  consumer(const consumer&) = delete;
  consumer& operator=(const consumer&) = delete;

  // --- called by the transport ---
  /// One inbound text frame (a JSON command). Client errors are answered with
  /// {"error": ...}; the connection stays open.
  void on_text(std::string_view frame);
  /// The connection ended (any reason): leaves every joined room, notifying the
  /// remaining members, and unregisters from the channel layer. Idempotent.
  void on_close();

  // --- called by command and event handlers ---
  /// The user as it is now: a copy, since update_user() may change the name and flags
  /// from another thread (the id and the username never change).
  whisper::user user() const;
  /// The username, fixed at connect: read without a lock or a copy (e.g. for logs).
  const std::string& username() const { return user_.username; }
  const std::string& channel_name() const { return channel_name_; }
  /// The tag of the login session this connection rides on (empty: none).
  const std::string& session() const { return session_; }
  chat_hub& hub() const { return hub_; }
  /// Sends one frame to this client; a client too slow to take it is disconnected (1013).
  void queue(const payload_ptr& frame);
  void queue_error(error_code code, std::optional<room_id> room = std::nullopt,
                   std::string_view message = {});
  /// Closes the connection (the transport then calls on_close()).
  void close(int code, std::string_view reason);

  /// Joins a room: checks it exists and the room policy admits the user, announces the
  /// user to the members (if enter/leave notices are on), adds this channel to the
  /// room's group, marks presence, replies {"join": ...}. Idempotent.
  void join(room_id room);
  /// Leaves a room: removes this channel from the group, announces the leave, replies
  /// {"leave": ...}. ROOM_INVALID if the room does not exist.
  void leave(room_id room);
  /// Broadcasts a chat message to the room; ROOM_ACCESS_DENIED if not joined.
  void say(room_id room, std::string_view message);
  /// Replies with the room's presence list (same access rule as join).
  void list_users(room_id room);

  /// Drops a room from this consumer without a reply: leaves its group and marks
  /// presence; with `notify`, tells the remaining members (LEAVE). No-op if not joined.
  /// Used by leave() and by the room.deleted event handler.
  void forget_room(room_id room, bool notify);

  bool joined(room_id room) const;
  /// The account changed (the user.changed event): takes the new name and flags, closes
  /// the connection if the account is inactive, and leaves every joined room the room
  /// policy no longer admits (LEAVE to the others, the policy's error to the client).
  void apply_user_change(const whisper::user& now);
  std::vector<room_id> rooms() const;

  /// channel: an event for a group this consumer is in, or for its channel.
  void deliver(const event_ptr& e) override;

  // Used by chat_hub::connect() once the consumer is owned by a shared_ptr.
  void attach();

 private:
  /// The room, if it exists and this user may enter it; otherwise sends the error
  /// (ROOM_INVALID, or what the room policy refused with) and returns nothing.
  std::optional<room> room_for_user(room_id id);
  /// The room policy's verdict on a room for the user as it is now.
  std::optional<error_code> refused(const room& r) const;

  chat_hub& hub_;
  std::shared_ptr<connection> conn_;
  // id and username are fixed at connect and read without the lock; name, is_staff and
  // is_active change under mutex_ (apply_user_change() may run on any thread).
  whisper::user user_;
  std::string session_;  // the login session's tag, or empty
  std::string channel_name_;

  mutable std::mutex mutex_;  // guards rooms_ and user_'s mutable fields
  // Sorted, at most limits::max_rooms_per_connection: a vector costs an idle member of one
  // room 56 bytes where a std::set cost 96 (its header and a node per room).
  std::vector<room_id> rooms_;
  // Set once by on_close(); read without the lock on every delivery (the hot path).
  std::atomic<bool> closed_{false};
  // Set by the first send that overflowed, so the slow client is closed only once.
  std::atomic<bool> overflowed_{false};

  // chat's list of open connections (chat_hub::connections), guarded by its mutex.
  friend class chat_hub;
  consumer* registry_prev_ = nullptr;
  consumer* registry_next_ = nullptr;
  std::atomic<bool> registered_{false};

  // Commands: touched only from on_text(), which the transport serialises.
  rate_limiter limiter_;
};

}  // namespace whisper
