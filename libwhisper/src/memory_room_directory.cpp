// In-memory room directory: ids from 1, listed in id order.
#include <map>
#include <mutex>

#include "whisper/memory_stores.hpp"

namespace whisper {

struct memory_room_directory::state {
  std::mutex mutex;
  std::map<room_id, room> rooms;  // ordered: list() is by id
  room_id next_id = 1;
};

memory_room_directory::memory_room_directory() : state_(std::make_unique<state>()) {}
memory_room_directory::~memory_room_directory() = default;

std::optional<room> memory_room_directory::find(room_id id) {
  std::lock_guard<std::mutex> lock(state_->mutex);
  auto it = state_->rooms.find(id);
  if (it == state_->rooms.end()) return std::nullopt;
  return it->second;
}

std::vector<room> memory_room_directory::list() {
  std::lock_guard<std::mutex> lock(state_->mutex);
  std::vector<room> out;
  out.reserve(state_->rooms.size());
  for (const auto& entry : state_->rooms) out.push_back(entry.second);
  return out;
}

room memory_room_directory::create(const std::string& title, bool staff_only) {
  std::lock_guard<std::mutex> lock(state_->mutex);
  room r{state_->next_id++, title, staff_only};
  state_->rooms.emplace(r.id, r);
  return r;
}

bool memory_room_directory::update(const room& r) {
  std::lock_guard<std::mutex> lock(state_->mutex);
  auto it = state_->rooms.find(r.id);
  if (it == state_->rooms.end()) return false;
  it->second = r;
  return true;
}

bool memory_room_directory::remove(room_id id) {
  std::lock_guard<std::mutex> lock(state_->mutex);
  return state_->rooms.erase(id) > 0;
}

}  // namespace whisper
