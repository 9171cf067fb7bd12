// The sessions table behind whisper::session_store, and its cache.
#include "store/sqlite_session_store.hpp"

namespace whisper_server {

std::int64_t unix_seconds_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

sqlite_session_store::sqlite_session_store(database& db, std::chrono::seconds recheck,
                                           session_cache_limits limits)
    : db_(db), recheck_(recheck), limits_(limits) {}

std::string sqlite_session_store::create(whisper::user_id user, std::chrono::seconds lifetime) {
  if (limits_.purge_every != 0 && ++creates_ % limits_.purge_every == 0) purge_expired();
  std::string id = whisper::random_token();
  const std::int64_t expires_at = unix_seconds_now() + lifetime.count();
  {
    auto guard = db_.lock();
    statement insert(db_, "INSERT INTO sessions (id, user_id, expires_at) VALUES (?, ?, ?)");
    insert.bind(1, id).bind(2, user).bind(3, expires_at).run();
  }
  std::lock_guard<std::mutex> lock(cache_mutex_);
  if (cache_.size() >= limits_.max_entries) cache_.clear();
  cache_[id] = cached{user, expires_at, std::chrono::steady_clock::now()};
  return id;
}

std::optional<whisper::user_id> sqlite_session_store::lookup(std::string_view session_id) {
  // Session ids are 64 hex digits; anything else cannot be one (and skips the query).
  if (session_id.empty() || session_id.size() > 128) return std::nullopt;
  const std::string key(session_id);
  const auto now = std::chrono::steady_clock::now();
  const std::int64_t unix_now = unix_seconds_now();
  {
    std::lock_guard<std::mutex> lock(cache_mutex_);
    if (auto it = cache_.find(key); it != cache_.end()) {
      if (it->second.expires_at > unix_now && now - it->second.checked_at < recheck_) {
        return it->second.user;
      }
      cache_.erase(it);
    }
  }
  // The cache is filled while the database lock is still held (lock order: database,
  // then cache, as in remove()), so a concurrent logout cannot be undone by a stale fill.
  auto guard = db_.lock();
  statement query(db_, "SELECT user_id, expires_at FROM sessions WHERE id = ? AND expires_at > ?",
                  statement::reuse::cached);
  query.bind(1, key).bind(2, unix_now);
  if (!query.step()) return std::nullopt;
  const cached entry{query.column_int(0), query.column_int(1), now};
  std::lock_guard<std::mutex> lock(cache_mutex_);
  if (cache_.size() >= limits_.max_entries) cache_.clear();
  cache_[key] = entry;
  return entry.user;
}

void sqlite_session_store::remove(std::string_view session_id) {
  auto guard = db_.lock();
  statement erase(db_, "DELETE FROM sessions WHERE id = ?");
  erase.bind(1, session_id).run();
  std::lock_guard<std::mutex> lock(cache_mutex_);
  cache_.erase(std::string(session_id));
}

void sqlite_session_store::remove_user(whisper::user_id user) {
  auto guard = db_.lock();
  statement erase(db_, "DELETE FROM sessions WHERE user_id = ?");
  erase.bind(1, user).run();
  std::lock_guard<std::mutex> lock(cache_mutex_);
  for (auto it = cache_.begin(); it != cache_.end();) {
    it = it->second.user == user ? cache_.erase(it) : std::next(it);
  }
}

void sqlite_session_store::drop_cache() {
  std::lock_guard<std::mutex> lock(cache_mutex_);
  cache_.clear();
}

std::unordered_set<std::string> sqlite_session_store::live_session_tags() {
  std::unordered_set<std::string> tags;
  auto guard = db_.lock();
  statement query(db_, "SELECT id FROM sessions WHERE expires_at > ?");
  query.bind(1, unix_seconds_now());
  while (query.step()) tags.insert(whisper::session_tag(query.column_text(0)));
  return tags;
}

int sqlite_session_store::purge_expired() {
  auto guard = db_.lock();
  statement erase(db_, "DELETE FROM sessions WHERE expires_at <= ?");
  erase.bind(1, unix_seconds_now()).run();
  return db_.changes();
}

}  // namespace whisper_server
