// The users table behind whisper::user_store.
#include "store/sqlite_user_store.hpp"

#include <chrono>

namespace whisper_server {
namespace {

constexpr const char* kColumns = "SELECT id, username, name, is_staff, is_active FROM users ";
// The lookups of the connect and login paths stay prepared (statement::reuse::cached):
// same columns as kColumns, in the order read_user() reads them.
constexpr std::string_view kFindById =
    "SELECT id, username, name, is_staff, is_active FROM users WHERE id = ?";
constexpr std::string_view kFindByName =
    "SELECT id, username, name, is_staff, is_active FROM users WHERE username = ?";

whisper::user read_user(const statement& row) {
  whisper::user u;
  u.id = row.column_int(0);
  u.username = row.column_text(1);
  u.name = row.column_text(2);
  u.is_staff = row.column_bool(3);
  u.is_active = row.column_bool(4);
  return u;
}

std::int64_t unix_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

std::optional<whisper::user> sqlite_user_store::find(whisper::user_id id) {
  const auto now = std::chrono::steady_clock::now();
  {
    std::lock_guard<std::mutex> lock(cache_mutex_);
    if (auto it = cache_.find(id); it != cache_.end()) {
      if (now - it->second.checked_at < recheck_) return it->second.who;
      cache_.erase(it);
    }
  }
  // Filled while the database lock is still held (lock order: database, then cache, as
  // in forget()), so a concurrent update() cannot be undone by a stale fill.
  auto guard = db_.lock();
  statement query(db_, kFindById, statement::reuse::cached);
  query.bind(1, id);
  if (!query.step()) return std::nullopt;
  whisper::user found = read_user(query);
  std::lock_guard<std::mutex> lock(cache_mutex_);
  if (cache_.size() >= max_cached) cache_.clear();
  cache_[id] = cached{found, now};
  return found;
}

void sqlite_user_store::forget(whisper::user_id id) {
  std::lock_guard<std::mutex> lock(cache_mutex_);
  cache_.erase(id);
}

void sqlite_user_store::drop_cache() {
  std::lock_guard<std::mutex> lock(cache_mutex_);
  cache_.clear();
}

std::optional<whisper::user> sqlite_user_store::find_by_username(std::string_view username) {
  auto guard = db_.lock();
  statement query(db_, kFindByName, statement::reuse::cached);
  query.bind(1, username);
  if (!query.step()) return std::nullopt;
  return read_user(query);
}

std::vector<whisper::user> sqlite_user_store::list() {
  auto guard = db_.lock();
  statement query(db_, std::string(kColumns) + "ORDER BY id");
  std::vector<whisper::user> users;
  while (query.step()) users.push_back(read_user(query));
  return users;
}

// Usernames are unique regardless of letter case ("ADMIN" beside "admin" would let one
// user pass for another in the chat). Called with the database lock held, so no insert
// can slip between the check and the write. Usernames are ASCII (valid_username), which
// SQLite's NOCASE folds.
void sqlite_user_store::refuse_case_twin(const whisper::user& u) {
  statement query(db_, "SELECT username FROM users WHERE username = ? COLLATE NOCASE AND id != ?");
  query.bind(1, u.username).bind(2, u.id);
  if (query.step()) {
    throw whisper::duplicate_username("a user named '" + query.column_text(0) +
                                      "' already exists (usernames are compared ignoring case)");
  }
}

whisper::user sqlite_user_store::create(const whisper::user& u, const std::string& password_hash) {
  auto guard = db_.lock();
  refuse_case_twin(whisper::user{0, u.username, {}, false, true});
  statement insert(db_,
                   "INSERT INTO users (username, name, password_hash, is_staff, is_active, "
                   "date_joined) VALUES (?, ?, ?, ?, ?, ?)");
  insert.bind(1, u.username).bind(2, u.name).bind(3, password_hash);
  insert.bind(4, u.is_staff).bind(5, u.is_active).bind(6, unix_now());
  try {
    insert.run();
  } catch (const constraint_error&) {
    throw whisper::duplicate_username("a user named '" + u.username + "' already exists");
  }
  whisper::user created = u;
  created.id = db_.last_insert_id();
  return created;
}

bool sqlite_user_store::update(const whisper::user& u) {
  auto guard = db_.lock();
  refuse_case_twin(u);
  statement change(db_,
                   "UPDATE users SET username = ?, name = ?, is_staff = ?, is_active = ? "
                   "WHERE id = ?");
  change.bind(1, u.username).bind(2, u.name).bind(3, u.is_staff).bind(4, u.is_active).bind(5, u.id);
  try {
    change.run();
  } catch (const constraint_error&) {
    throw whisper::duplicate_username("a user named '" + u.username + "' already exists");
  }
  forget(u.id);  // under the database lock: no find() can fill the old row back in
  return db_.changes() > 0;
}

std::optional<std::string> sqlite_user_store::password_hash(whisper::user_id id) {
  auto guard = db_.lock();
  statement query(db_, "SELECT password_hash FROM users WHERE id = ?");
  query.bind(1, id);
  if (!query.step()) return std::nullopt;
  return query.column_text(0);
}

bool sqlite_user_store::set_password_hash(whisper::user_id id, const std::string& password_hash) {
  auto guard = db_.lock();
  statement change(db_, "UPDATE users SET password_hash = ? WHERE id = ?");
  change.bind(1, password_hash).bind(2, id).run();
  return db_.changes() > 0;
}

bool sqlite_user_store::remove(whisper::user_id id) {
  auto guard = db_.lock();
  statement erase(db_, "DELETE FROM users WHERE id = ?");
  erase.bind(1, id).run();
  forget(id);
  return db_.changes() > 0;
}

std::int64_t sqlite_user_store::count() {
  auto guard = db_.lock();
  statement query(db_, "SELECT COUNT(*) FROM users");
  query.step();
  return query.column_int(0);
}

}  // namespace whisper_server
