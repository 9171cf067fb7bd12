// The rooms table behind whisper::room_directory, and its cache.
#include "store/sqlite_room_directory.hpp"

#include <mutex>

namespace whisper_server {
namespace {

whisper::room read_room(const statement& row) {
  return whisper::room{row.column_int(0), row.column_text(1), row.column_bool(2)};
}

}  // namespace

sqlite_room_directory::sqlite_room_directory(database& db, std::chrono::seconds refresh)
    : db_(db), refresh_(refresh) {}

void sqlite_room_directory::reload_if_stale() {
  const auto now = std::chrono::steady_clock::now();
  {
    std::shared_lock<std::shared_mutex> read(cache_mutex_);
    if (loaded_at_ != std::chrono::steady_clock::time_point{} && now - loaded_at_ < refresh_) {
      return;
    }
  }
  std::map<whisper::room_id, whisper::room> fresh;
  for (auto& r : list()) fresh.emplace(r.id, std::move(r));
  std::unique_lock<std::shared_mutex> write(cache_mutex_);
  cache_ = std::move(fresh);
  loaded_at_ = now;
}

std::optional<whisper::room> sqlite_room_directory::find(whisper::room_id id) {
  reload_if_stale();
  {
    std::shared_lock<std::shared_mutex> read(cache_mutex_);
    if (auto it = cache_.find(id); it != cache_.end()) return it->second;
  }
  auto found = find_in_database(id);
  if (found) {
    std::unique_lock<std::shared_mutex> write(cache_mutex_);
    cache_[id] = *found;
  }
  return found;
}

std::optional<whisper::room> sqlite_room_directory::find_in_database(whisper::room_id id) {
  auto guard = db_.lock();
  statement query(db_, "SELECT id, title, staff_only FROM rooms WHERE id = ?");
  query.bind(1, id);
  if (!query.step()) return std::nullopt;
  return read_room(query);
}

std::vector<whisper::room> sqlite_room_directory::list() {
  auto guard = db_.lock();
  statement query(db_, "SELECT id, title, staff_only FROM rooms ORDER BY id");
  std::vector<whisper::room> rooms;
  while (query.step()) rooms.push_back(read_room(query));
  return rooms;
}

whisper::room sqlite_room_directory::create(const std::string& title, bool staff_only) {
  whisper::room created{0, title, staff_only};
  {
    auto guard = db_.lock();
    statement insert(db_, "INSERT INTO rooms (title, staff_only) VALUES (?, ?)");
    insert.bind(1, title).bind(2, staff_only).run();
    created.id = db_.last_insert_id();
  }
  std::unique_lock<std::shared_mutex> write(cache_mutex_);
  cache_[created.id] = created;
  return created;
}

bool sqlite_room_directory::update(const whisper::room& r) {
  bool changed = false;
  {
    auto guard = db_.lock();
    statement change(db_, "UPDATE rooms SET title = ?, staff_only = ? WHERE id = ?");
    change.bind(1, r.title).bind(2, r.staff_only).bind(3, r.id).run();
    changed = db_.changes() > 0;
  }
  std::unique_lock<std::shared_mutex> write(cache_mutex_);
  if (changed) {
    cache_[r.id] = r;
  } else {
    cache_.erase(r.id);
  }
  return changed;
}

bool sqlite_room_directory::remove(whisper::room_id id) {
  bool removed = false;
  {
    auto guard = db_.lock();
    statement erase(db_, "DELETE FROM rooms WHERE id = ?");
    erase.bind(1, id).run();
    removed = db_.changes() > 0;
  }
  std::unique_lock<std::shared_mutex> write(cache_mutex_);
  cache_.erase(id);
  return removed;
}

}  // namespace whisper_server
