// In-memory presence. Each (room, user) counts the user's connections in the room, so
// two tabs count once and the user is "left" only when the last tab leaves.
#include "whisper/presence.hpp"

#include <map>
#include <mutex>

namespace whisper {

struct memory_presence::state {
  struct record {
    std::string username;
    std::string name;
    int connections = 0;
    std::chrono::system_clock::time_point updated;
  };
  std::mutex mutex;
  std::map<room_id, std::map<user_id, record>> rooms;  // users ordered by id for list()
  std::chrono::seconds timeout;
  clock_fn now;

  // A user who left is forgotten once the timeout has passed since the leave. A user
  // still connected stays listed however long ago they entered: they are in the room,
  // and their connection count must survive until they leave.
  bool expired(const record& r, std::chrono::system_clock::time_point at) const {
    return r.connections == 0 && at - r.updated > timeout;
  }
};

memory_presence::memory_presence(std::chrono::seconds timeout, clock_fn now)
    : state_(std::make_unique<state>()) {
  state_->timeout = timeout;
  state_->now = now ? std::move(now) : clock_fn([] { return std::chrono::system_clock::now(); });
}

memory_presence::~memory_presence() = default;

void memory_presence::entered(room_id room, const user& u) {
  const auto now = state_->now();
  std::lock_guard<std::mutex> lock(state_->mutex);
  state::record& r = state_->rooms[room][u.id];
  r.username = u.username;
  r.name = u.name;
  r.connections += 1;
  r.updated = now;
}

void memory_presence::left(room_id room, const user& u) {
  const auto now = state_->now();
  std::lock_guard<std::mutex> lock(state_->mutex);
  auto users = state_->rooms.find(room);
  if (users == state_->rooms.end()) return;  // room cleared meanwhile (deleted)
  auto it = users->second.find(u.id);
  if (it == users->second.end() || it->second.connections == 0) return;
  it->second.connections -= 1;
  it->second.updated = now;
}

void memory_presence::sent_message(room_id room, user_id id) {
  const auto now = state_->now();
  std::lock_guard<std::mutex> lock(state_->mutex);
  auto users = state_->rooms.find(room);
  if (users == state_->rooms.end()) return;
  auto it = users->second.find(id);
  // A send that raced its sender's leave does not bring them back.
  if (it == users->second.end() || it->second.connections == 0) return;
  // Coalesced as the Redis presence does, so both layers list the same times.
  if (now - it->second.updated >= presence_refresh_interval) it->second.updated = now;
}

void memory_presence::clear(room_id room) {
  std::lock_guard<std::mutex> lock(state_->mutex);
  state_->rooms.erase(room);
}

void memory_presence::list(room_id room, std::function<void(std::vector<presence_entry>)> done) {
  const auto now = state_->now();
  std::vector<presence_entry> out;
  {
    std::lock_guard<std::mutex> lock(state_->mutex);
    auto users = state_->rooms.find(room);
    if (users != state_->rooms.end()) {
      auto& records = users->second;
      for (auto it = records.begin(); it != records.end();) {
        if (state_->expired(it->second, now)) {
          it = records.erase(it);  // pruned when met: no background sweeper needed
          continue;
        }
        const state::record& r = it->second;
        const double seconds = std::chrono::duration<double>(r.updated.time_since_epoch()).count();
        out.push_back(presence_entry{it->first, r.username, r.name, r.connections == 0, seconds});
        ++it;
      }
      if (records.empty()) state_->rooms.erase(users);
    }
  }
  done(std::move(out));  // outside the lock: the callback sends to a connection
}

}  // namespace whisper
