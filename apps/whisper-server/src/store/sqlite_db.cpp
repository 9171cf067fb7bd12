// The sqlite3 C API behind the RAII wrapper.
#include "store/sqlite_db.hpp"

#include <sqlite3.h>

#include "store/database_path_check.hpp"

namespace whisper_server {
namespace {

[[noreturn]] void fail(sqlite3* db, int code, const std::string& what) {
  const std::string message = what + ": " + (db ? sqlite3_errmsg(db) : sqlite3_errstr(code));
  if ((code & 0xff) == SQLITE_CONSTRAINT) throw constraint_error(message);
  throw database_error(message);
}

}  // namespace

database::database(const std::string& path, bool create) : path_(path) {
  if (const std::string problem = database_path_problem(path, create); !problem.empty()) {
    throw database_error(problem);
  }
  int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX;
  if (create) flags |= SQLITE_OPEN_CREATE;
  const int rc = sqlite3_open_v2(path.c_str(), &db_, flags, nullptr);
  if (rc != SQLITE_OK) {
    const std::string message =
        "cannot open database " + path + ": " + (db_ ? sqlite3_errmsg(db_) : sqlite3_errstr(rc));
    sqlite3_close(db_);
    db_ = nullptr;
    throw database_error(message);
  }
  // Wait for another process's write lock instead of failing at once.
  sqlite3_busy_timeout(db_, 5000);
  exec("PRAGMA foreign_keys = ON");
  // WAL lets readers proceed while a writer commits; NORMAL sync is safe under WAL.
  exec("PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL");
}

database::~database() {
  // sqlite3_close refuses (SQLITE_BUSY) while statements are alive.
  for (auto& entry : cache_) sqlite3_finalize(entry.second);
  sqlite3_close(db_);
}

sqlite3_stmt* database::cached(std::string_view sql) {
  auto it = cache_.find(std::string(sql));
  if (it != cache_.end()) return it->second;
  sqlite3_stmt* stmt = nullptr;
  const int rc = sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()),
                                    SQLITE_PREPARE_PERSISTENT, &stmt, nullptr);
  if (rc != SQLITE_OK) fail(db_, rc, "database " + path_);
  cache_.emplace(std::string(sql), stmt);
  return stmt;
}

void database::exec(const std::string& sql) {
  char* error = nullptr;
  const int rc = sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &error);
  if (rc != SQLITE_OK) {
    const std::string message = error ? error : sqlite3_errstr(rc);
    sqlite3_free(error);
    if ((rc & 0xff) == SQLITE_CONSTRAINT) throw constraint_error(message);
    throw database_error("database " + path_ + ": " + message);
  }
}

int database::user_version() {
  statement query(*this, "PRAGMA user_version");
  query.step();
  return static_cast<int>(query.column_int(0));
}

std::int64_t database::last_insert_id() const {
  return sqlite3_last_insert_rowid(db_);
}

int database::changes() const {
  return sqlite3_changes(db_);
}

statement::statement(database& db, std::string_view sql, reuse mode)
    : db_(db), cached_(mode == reuse::cached) {
  if (cached_) {
    stmt_ = db.cached(sql);
    return;
  }
  const int rc =
      sqlite3_prepare_v2(db.handle(), sql.data(), static_cast<int>(sql.size()), &stmt_, nullptr);
  if (rc != SQLITE_OK) fail(db.handle(), rc, "database " + db.path());
}

statement::~statement() {
  if (!cached_) {
    sqlite3_finalize(stmt_);
    return;
  }
  // Ends the read transaction at once (a stepped statement holds its snapshot) and
  // drops the bound copies of the previous caller's values.
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}

statement& statement::bind(int index, std::int64_t value) {
  const int rc = sqlite3_bind_int64(stmt_, index, value);
  if (rc != SQLITE_OK) fail(db_.handle(), rc, "bind");
  return *this;
}

statement& statement::bind(int index, std::string_view value) {
  const int rc = sqlite3_bind_text(stmt_, index, value.data(), static_cast<int>(value.size()),
                                   SQLITE_TRANSIENT);
  if (rc != SQLITE_OK) fail(db_.handle(), rc, "bind");
  return *this;
}

void statement::reset() {
  sqlite3_reset(stmt_);
}

bool statement::step() {
  const int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  fail(db_.handle(), rc, "database " + db_.path());
}

std::int64_t statement::column_int(int index) const {
  return sqlite3_column_int64(stmt_, index);
}

std::string statement::column_text(int index) const {
  const auto* text = sqlite3_column_text(stmt_, index);
  if (text == nullptr) return {};
  return std::string(reinterpret_cast<const char*>(text),
                     static_cast<std::size_t>(sqlite3_column_bytes(stmt_, index)));
}

}  // namespace whisper_server
