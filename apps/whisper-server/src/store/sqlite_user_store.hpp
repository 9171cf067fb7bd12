// whisper::user_store over the users table.
#pragma once

#include "store/sqlite_db.hpp"
#include "whisper/account_stores.hpp"

namespace whisper_server {

/// Users in SQLite. No cache of results: every call is one indexed query
/// (microseconds), so changes count at once; find() and find_by_username() reuse their
/// prepared statement.
///
/// Thread safety: every member may be called concurrently (the database lock
/// serialises them). The database must outlive the store.
class sqlite_user_store final : public whisper::user_store {
 public:
  explicit sqlite_user_store(database& db) : db_(db) {}

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

 private:
  /// Throws duplicate_username if another user (not u.id) has u's name in another case.
  void refuse_case_twin(const whisper::user& u);
  database& db_;
};

}  // namespace whisper_server
