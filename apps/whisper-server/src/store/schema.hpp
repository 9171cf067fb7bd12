// The database schema and its migrations, versioned with PRAGMA user_version.
#pragma once

#include <memory>
#include <string>

#include "store/sqlite_db.hpp"

namespace whisper_server {

/// The schema version this build writes and expects.
inline constexpr int current_schema_version = 1;

/// Brings the schema up to current_schema_version. Returns the version found before.
/// Throws database_error for a database newer than this build.
int migrate(database& db);

/// Opens an existing database for serving or a management command. Throws
/// database_error with "database X is not migrated: run `whisper-server migrate`" when
/// the file is missing or its schema is older than this build's.
std::unique_ptr<database> open_migrated_database(const std::string& path);

}  // namespace whisper_server
