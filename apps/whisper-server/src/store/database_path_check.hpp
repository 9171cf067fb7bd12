// Why a database path cannot be used, said before SQLite says "unable to open database
// file" or "attempt to write a readonly database", which name neither the file nor the fix.
#pragma once

#include <string>

namespace whisper_server {

/// The problem with `path` as a read-write SQLite database in WAL mode, as one sentence
/// naming the file or directory and the fix; empty when there is none. A missing file is
/// a problem unless `create`.
std::string database_path_problem(const std::string& path, bool create);

}  // namespace whisper_server
