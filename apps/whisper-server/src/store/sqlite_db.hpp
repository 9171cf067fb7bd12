// A small RAII wrapper over the sqlite3 C API: one connection, prepared statements (a
// few hot ones kept prepared per connection), and a mutex that serialises every use of
// the connection.
#pragma once

#include <cstdint>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <unordered_map>

struct sqlite3;
struct sqlite3_stmt;

namespace whisper_server {

/// Any SQLite failure; the message includes SQLite's own text.
class database_error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// A UNIQUE or other constraint failed (e.g. a taken username).
class constraint_error : public database_error {
 public:
  using database_error::database_error;
};

/// One SQLite connection, in WAL mode with busy_timeout 5000 ms and foreign keys on, so
/// several processes (the server and a CLI command) can share the file.
///
/// Thread safety: the connection itself is unsynchronised; hold lock() around every
/// use of it and of its statements. Distinct objects: safe.
class database {
 public:
  /// Opens `path`; with create == false a missing file is an error (not migrated).
  database(const std::string& path, bool create);
  ~database();
  database(const database&) = delete;
  database& operator=(const database&) = delete;

  std::unique_lock<std::mutex> lock() { return std::unique_lock<std::mutex>(mutex_); }
  /// Runs SQL without results (may hold several statements). Caller holds lock().
  void exec(const std::string& sql);
  /// PRAGMA user_version.
  int user_version();
  std::int64_t last_insert_id() const;
  int changes() const;
  const std::string& path() const { return path_; }
  sqlite3* handle() const { return db_; }
  /// Statements kept prepared for reuse (statement::reuse::cached). Caller holds lock().
  std::size_t cached_statements() const { return cache_.size(); }

 private:
  friend class statement;
  /// The prepared statement for `sql`, prepared on first use and kept until the
  /// connection closes. Caller holds lock(); the statement is reset by its user.
  sqlite3_stmt* cached(std::string_view sql);

  sqlite3* db_ = nullptr;
  std::string path_;
  std::mutex mutex_;
  // Keyed by the SQL text: the few constant queries of the connect path. Preparing one
  // costs ~50,000 instructions, more than running it (docs/performance-design.md, W4).
  std::unordered_map<std::string, sqlite3_stmt*> cache_;
};

/// A prepared statement; bind with 1-based indexes, then step() through the rows.
/// With reuse::cached the connection's prepared copy is used and, when this object
/// goes, reset and unbound instead of finalized: the reset also ends the statement's
/// read transaction, so the next use sees every change committed meanwhile (by this
/// process or another). Only for constant SQL, and one user at a time per SQL text
/// (which the database lock gives, as long as a statement does not nest in itself).
///
/// Thread safety: use under the owning database's lock().
class statement {
 public:
  enum class reuse { no, cached };
  statement(database& db, std::string_view sql, reuse mode = reuse::no);
  ~statement();
  statement(const statement&) = delete;
  statement& operator=(const statement&) = delete;

  statement& bind(int index, std::int64_t value);
  statement& bind(int index, std::string_view value);
  statement& bind(int index, bool value) { return bind(index, std::int64_t{value ? 1 : 0}); }
  /// Advances: true if a row is available. Throws constraint_error / database_error.
  bool step();
  /// Makes the statement ready to run again (bindings are replaced by the next bind()).
  void reset();
  /// Runs a statement that returns no rows.
  void run() { step(); }

  std::int64_t column_int(int index) const;
  std::string column_text(int index) const;
  bool column_bool(int index) const { return column_int(index) != 0; }

 private:
  database& db_;
  sqlite3_stmt* stmt_ = nullptr;
  bool cached_ = false;
};

}  // namespace whisper_server
