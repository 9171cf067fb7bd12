// Where rooms are kept. The server provides a SQLite one; embedders may provide their
// own or use memory_room_directory.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "whisper/room.hpp"

namespace whisper {

/// The set of rooms.
///
/// Thread safety: implementations must allow concurrent calls from any thread.
/// find() is on the join path: keep it fast (cache if the backing store is slow).
class room_directory {
 public:
  virtual ~room_directory() = default;
  virtual std::optional<room> find(room_id id) = 0;
  /// Every room, ordered by id.
  virtual std::vector<room> list() = 0;
  /// Creates a room with a fresh id and returns it.
  virtual room create(const std::string& title, bool staff_only) = 0;
  /// Updates title and staff_only of an existing room; false if there is none.
  virtual bool update(const room& r) = 0;
  /// Deletes a room; false if there was none.
  virtual bool remove(room_id id) = 0;
};

}  // namespace whisper
