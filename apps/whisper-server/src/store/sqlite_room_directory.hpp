// whisper::room_directory over the rooms table, with an in-memory cache for the join path.
#pragma once

#include <chrono>
#include <map>
#include <shared_mutex>

#include "store/sqlite_db.hpp"
#include "whisper/account_stores.hpp"

namespace whisper_server {

/// Rooms in SQLite. find() (every join) is served from a cache of the whole table;
/// this process's create/update/remove update the cache at once, and the cache is
/// reloaded after `refresh` so changes by another process (a CLI command) show up. A
/// room id missing from the cache is looked up in the database directly, so a room
/// created elsewhere can be joined at once.
///
/// Thread safety: every member may be called concurrently. The database must outlive
/// the directory.
class sqlite_room_directory final : public whisper::room_directory {
 public:
  explicit sqlite_room_directory(database& db,
                                 std::chrono::seconds refresh = std::chrono::seconds(10));

  std::optional<whisper::room> find(whisper::room_id id) override;
  std::vector<whisper::room> list() override;
  whisper::room create(const std::string& title, bool staff_only) override;
  bool update(const whisper::room& r) override;
  bool remove(whisper::room_id id) override;

 private:
  std::optional<whisper::room> find_in_database(whisper::room_id id);
  void reload_if_stale();

  database& db_;
  const std::chrono::seconds refresh_;
  std::shared_mutex cache_mutex_;
  std::map<whisper::room_id, whisper::room> cache_;
  std::chrono::steady_clock::time_point loaded_at_{};
};

}  // namespace whisper_server
