// Migrations: each step upgrades the schema by one version inside a transaction, so an
// interrupted migrate leaves the previous version intact.
#include "store/schema.hpp"

#include <vector>

namespace whisper_server {
namespace {

// migrations[i] upgrades version i to version i + 1.
const std::vector<const char*>& migrations() {
  static const std::vector<const char*> steps = {
      R"sql(
      CREATE TABLE users (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        username TEXT NOT NULL UNIQUE,
        name TEXT NOT NULL DEFAULT '',
        password_hash TEXT NOT NULL DEFAULT '',
        is_staff INTEGER NOT NULL DEFAULT 0,
        is_active INTEGER NOT NULL DEFAULT 1,
        date_joined INTEGER NOT NULL
      );
      CREATE TABLE rooms (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        title TEXT NOT NULL,
        staff_only INTEGER NOT NULL DEFAULT 0
      );
      CREATE TABLE sessions (
        id TEXT PRIMARY KEY,
        user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        expires_at INTEGER NOT NULL
      );
      CREATE INDEX sessions_user ON sessions(user_id);
      CREATE INDEX sessions_expiry ON sessions(expires_at);
      )sql",
  };
  return steps;
}

std::string not_migrated(const std::string& path) {
  return "database " + path + " is not migrated: run `whisper-server migrate`";
}

}  // namespace

int migrate(database& db) {
  auto guard = db.lock();
  const int found = db.user_version();
  if (found > current_schema_version) {
    throw database_error("database " + db.path() + " has schema version " + std::to_string(found) +
                         ", newer than this whisper-server (" +
                         std::to_string(current_schema_version) + ")");
  }
  for (int version = found; version < current_schema_version; ++version) {
    // IMMEDIATE takes the write lock first, so two concurrent migrates serialise.
    db.exec("BEGIN IMMEDIATE");
    try {
      if (db.user_version() == version) {
        db.exec(migrations()[static_cast<std::size_t>(version)]);
        db.exec("PRAGMA user_version = " + std::to_string(version + 1));
      }
      db.exec("COMMIT");
    } catch (...) {
      db.exec("ROLLBACK");
      throw;
    }
  }
  return found;
}

std::unique_ptr<database> open_migrated_database(const std::string& path) {
  // A missing file is reported by the database itself ("does not exist").
  auto db = std::make_unique<database>(path, false);
  auto guard = db->lock();
  const int version = db->user_version();
  if (version < current_schema_version) throw database_error(not_migrated(path));
  if (version > current_schema_version) {
    throw database_error("database " + path + " has schema version " + std::to_string(version) +
                         ", newer than this whisper-server");
  }
  return db;
}

}  // namespace whisper_server
