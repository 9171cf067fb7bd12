// The layout of a room's presence hash in Redis (see redis_presence.hpp), as plain
// functions over strings so it is tested without Redis.
#pragma once

#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "whisper/presence.hpp"

namespace whisper::redis_detail {

/// "u:<id>"
std::string user_field(user_id id);
/// "c:<id>:<process id>"
std::string count_field(user_id id, const std::string& process_id);
/// {"username": ..., "name": ..., "last_update": ...}
std::string user_value(const user& u, double last_update);

using hash_fields = std::vector<std::pair<std::string, std::string>>;

/// "<prefix>:alive:<process id>": set with a short expiry by each live process, so the
/// counts of a process that died are ignored once its key expires.
std::string alive_key(const std::string& prefix, std::string_view process_id);

/// The process ids that "c:" fields of the hash name (each once, sorted).
std::vector<std::string> counting_processes(const hash_fields& fields);

/// Builds the room's list from the hash's (field, value) pairs: one entry per "u:"
/// field, left unless some "c:" field of a process in `live` counts a connection,
/// entries older than `timeout_seconds` before `now` dropped, ordered by user id.
/// Malformed fields are skipped.
std::vector<presence_entry> read_presence_hash(const hash_fields& fields, double now,
                                               double timeout_seconds,
                                               const std::set<std::string>& live);

}  // namespace whisper::redis_detail
