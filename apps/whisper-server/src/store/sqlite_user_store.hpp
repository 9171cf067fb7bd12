// whisper::user_store over the users table.
#pragma once

#include <chrono>
#include <mutex>
#include <unordered_map>

#include "store/sqlite_db.hpp"
#include "whisper/account_stores.hpp"

namespace whisper_server {

/// Users in SQLite. find(), which every WebSocket upgrade calls, answers from a cache of
/// recently found users: this process's own update()/remove() evict at once, a cached
/// entry is read from the database again after `recheck`, and drop_cache() forgets them
/// all (account_watch calls it when another process changed the database, before it
/// re-checks the open connections). Every other call is one indexed query;
/// find_by_username() (the login) always asks the database.
///
/// Thread safety: every member may be called concurrently (the database lock
/// serialises the queries, a mutex of its own the cache). The database must outlive
/// the store.
class sqlite_user_store final : public whisper::user_store {
 public:
  explicit sqlite_user_store(database& db, std::chrono::seconds recheck = std::chrono::seconds(30))
      : db_(db), recheck_(recheck) {}

  std::optional<whisper::user> find(whisper::user_id id) override;
  std::optional<whisper::user> find_by_username(std::string_view username) override;
  std::vector<whisper::user> list() override;
  whisper::user create(const whisper::user& u, const std::string& password_hash) override;
  bool update(const whisper::user& u) override;
  std::optional<std::string> password_hash(whisper::user_id id) override;
  bool set_password_hash(whisper::user_id id, const std::string& password_hash) override;
  bool remove(whisper::user_id id) override;
  /// Number of users (quickstart creates an admin only into an empty database).
  std::int64_t count();
  /// Forgets every cached user: the next find() of each asks the database.
  void drop_cache();

 private:
  struct cached {
    whisper::user who;
    std::chrono::steady_clock::time_point checked_at;
  };
  /// Past this many entries the cache is dropped whole (users are cached again as they
  /// connect): memory stays bounded whatever the number of accounts.
  static constexpr std::size_t max_cached = 100000;
  void forget(whisper::user_id id);

  /// Throws duplicate_username if another user (not u.id) has u's name in another case.
  void refuse_case_twin(const whisper::user& u);
  database& db_;
  const std::chrono::seconds recheck_;
  std::mutex cache_mutex_;
  std::unordered_map<whisper::user_id, cached> cache_;
};

}  // namespace whisper_server
