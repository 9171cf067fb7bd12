// Presence per room: who is in a room or left it recently (room_users in protocol.md,
// installed as share/doc/whisper/protocol.md).
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <vector>

#include "whisper/room.hpp"
#include "whisper/user.hpp"

namespace whisper {

/// One user's presence in one room.
struct presence_entry {
  user_id id = 0;
  std::string username;
  std::string name;
  bool left = false;         ///< true once the user's last connection left the room
  double last_update = 0.0;  ///< seconds since the epoch
};

/// How often a member's messages move their last_update: at most once per this interval
/// per user and room. A send is the hot path, and a Redis-backed presence writes each
/// refresh to Redis; within a second the time listed is off by less than a second.
inline constexpr std::chrono::seconds presence_refresh_interval{1};

/// Tracks presence. A user counts as in a room while at least one of their
/// connections is; entries are listed until presence_timeout after their last update.
/// Entering, leaving and sending a message (sent_message) update last_update.
///
/// Thread safety: implementations must allow concurrent calls from any thread. list()
/// may complete on another thread (a Redis-backed presence answers asynchronously).
class presence {
 public:
  virtual ~presence() = default;
  virtual void entered(room_id room, const user& u) = 0;
  virtual void left(room_id room, const user& u) = 0;
  /// A member of the room sent a message: refreshes their last_update if it is
  /// presence_refresh_interval old or older (else does nothing). Ignored for a user who
  /// is not in the room. Called for every message sent, on the sender's thread: must not
  /// wait for I/O, and should not allocate when it does nothing. The default does
  /// nothing, so a presence written before this hook existed still builds; it then lists
  /// join and leave times only.
  virtual void sent_message(room_id room, user_id id) {
    (void)room;
    (void)id;
  }
  /// Forgets a room (deleted).
  virtual void clear(room_id room) = 0;
  virtual void list(room_id room, std::function<void(std::vector<presence_entry>)> done) = 0;
};

/// In-memory presence for one process.
class memory_presence final : public presence {
 public:
  using clock_fn = std::function<std::chrono::system_clock::time_point()>;
  /// `now` defaults to the system clock; tests pass their own.
  explicit memory_presence(std::chrono::seconds timeout = std::chrono::hours(1), clock_fn now = {});
  ~memory_presence() override;

  void entered(room_id room, const user& u) override;
  void left(room_id room, const user& u) override;
  void sent_message(room_id room, user_id id) override;
  void clear(room_id room) override;
  void list(room_id room, std::function<void(std::vector<presence_entry>)> done) override;

 private:
  struct state;
  std::unique_ptr<state> state_;
};

}  // namespace whisper
