// whisper::session_store over the sessions table, with an in-memory cache for the
// WebSocket upgrade path.
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <mutex>
#include <string>
#include <unordered_map>
#include <unordered_set>

#include "store/sqlite_db.hpp"
#include "whisper/account_stores.hpp"

namespace whisper_server {

/// Bounds of the session cache. Plain aggregate.
///
/// Thread safety: distinct objects safe; a shared object is safe for concurrent reads.
struct session_cache_limits {
  /// Past this many entries the cache is dropped whole: a flood of distinct cookies must
  /// not grow memory without bound (live sessions simply get cached again).
  std::size_t max_entries = 200000;
  /// create() purges expired rows once every this many calls: the table stays small
  /// without a timer, and one DELETE per 256 logins costs nothing noticeable.
  unsigned purge_every = 256;
};

/// Sessions in SQLite. lookup() answers from a cache of recently seen live sessions;
/// this process's remove()/remove_user() evict at once, and a cached entry is checked
/// against the database again after `recheck`, so a logout done by another process
/// (or a CLI changepassword) takes effect within that time. Expired rows are purged
/// by purge_expired() and, now and then, by create().
///
/// Thread safety: every member may be called concurrently. The database must outlive
/// the store.
class sqlite_session_store final : public whisper::session_store {
 public:
  explicit sqlite_session_store(database& db,
                                std::chrono::seconds recheck = std::chrono::seconds(30),
                                session_cache_limits limits = {});

  std::string create(whisper::user_id user, std::chrono::seconds lifetime) override;
  std::optional<whisper::user_id> lookup(std::string_view session_id) override;
  void remove(std::string_view session_id) override;
  void remove_user(whisper::user_id user) override;
  /// Deletes every expired session row. Returns how many.
  int purge_expired();
  /// Forgets every cached session: the next lookups ask the database (another process
  /// may have ended sessions).
  void drop_cache();
  /// The tags (whisper::session_tag) of every unexpired session in the database.
  std::unordered_set<std::string> live_session_tags();

 private:
  struct cached {
    whisper::user_id user = 0;
    std::int64_t expires_at = 0;  // unix seconds
    std::chrono::steady_clock::time_point checked_at;
  };

  database& db_;
  const std::chrono::seconds recheck_;
  const session_cache_limits limits_;
  std::mutex cache_mutex_;
  std::unordered_map<std::string, cached> cache_;
  std::atomic<unsigned> creates_{0};
};

/// Seconds since the epoch, now.
std::int64_t unix_seconds_now();

}  // namespace whisper_server
