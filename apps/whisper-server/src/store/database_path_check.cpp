// stat(2) and access(2) on the file and its directory. access() answers for the real
// user, which is the user the server runs as.
#include "store/database_path_check.hpp"

#include <sys/stat.h>
#include <unistd.h>

namespace whisper_server {
namespace {

std::string directory_of(const std::string& path) {
  const auto slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  return slash == 0 ? "/" : path.substr(0, slash);
}

std::string this_user() {
  return "the user whisper-server runs as (uid " + std::to_string(::getuid()) + ")";
}

}  // namespace

std::string database_path_problem(const std::string& path, bool create) {
  // SQLite's special names are no files to check.
  if (path.empty() || path == ":memory:" || path.rfind("file:", 0) == 0) return {};
  const std::string directory = directory_of(path);
  struct stat info {};
  if (::stat(directory.c_str(), &info) != 0 || !S_ISDIR(info.st_mode)) {
    return "the directory " + directory + " of database " + path +
           " does not exist: create it, or correct the database path";
  }
  if (::stat(path.c_str(), &info) != 0) {
    if (create) {
      if (::access(directory.c_str(), W_OK | X_OK) != 0) {
        return "cannot create database " + path + ": the directory " + directory +
               " is not writable by " + this_user();
      }
      return {};
    }
    return "database " + path +
           " does not exist: create it with `whisper-server migrate`, or correct the database "
           "path";
  }
  if (S_ISDIR(info.st_mode)) return "database " + path + " is a directory, not a database file";
  if (::access(path.c_str(), R_OK | W_OK) != 0) {
    return "database " + path + " is read-only for " + this_user() +
           ": give that user read and write access to it (chown or chmod)";
  }
  // WAL mode keeps PATH-wal and PATH-shm beside the file, made and removed on the fly.
  if (::access(directory.c_str(), W_OK | X_OK) != 0) {
    return "the directory " + directory + " of database " + path + " is read-only for " +
           this_user() + ": SQLite creates " + path + "-wal and " + path +
           "-shm beside the database, so that user needs write access to the directory";
  }
  return {};
}

}  // namespace whisper_server
