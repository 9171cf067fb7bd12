// Notices when the SQLite file the server has open is no longer the file at its
// configured path (deleted, renamed away, or replaced by another file). SQLite keeps
// using the open, unlinked inode happily: logins would work and /healthz would say ok,
// and every session written meanwhile would be lost at the next restart. So the file's
// identity (st_dev, st_ino) is remembered when it is opened and compared with the path.
#pragma once

#include <sys/types.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

namespace spdlog {
class logger;
}

namespace whisper_server {

/// What a path names on disk, as far as identity goes.
struct file_identity {
  dev_t device = 0;
  ino_t inode = 0;
  bool operator==(const file_identity& other) const {
    return device == other.device && inode == other.inode;
  }
};

/// The state of the database file relative to the one opened at start.
enum class database_file_state { ok, missing, replaced };

/// Compares the configured path with the file opened at start: on demand (check(),
/// a stat(2)) and every `period` on its own thread, so a vanished file is logged even
/// when nobody asks. Logs one error line when the file goes and one info line when the
/// same file comes back.
///
/// Thread safety: every member may be called from any thread.
class database_file_guard {
 public:
  /// Remembers what `path` names now (call right after opening the database). A path
  /// that cannot be stat'ed (":memory:") is never reported as missing.
  database_file_guard(std::string path, std::shared_ptr<spdlog::logger> log,
                      std::chrono::milliseconds period);
  ~database_file_guard();
  database_file_guard(const database_file_guard&) = delete;
  database_file_guard& operator=(const database_file_guard&) = delete;

  /// Looks at the path now (one stat), logs a change, returns the state.
  database_file_state check();
  /// The state found by the last check (no system call).
  database_file_state last() const { return state_.load(std::memory_order_acquire); }
  /// One line for /healthz and error pages; empty when the file is fine.
  std::string reason(database_file_state state) const;

 private:
  void watch();

  std::string path_;
  std::shared_ptr<spdlog::logger> log_;
  std::chrono::milliseconds period_;
  bool enabled_ = false;
  file_identity opened_;
  std::atomic<database_file_state> state_{database_file_state::ok};
  std::mutex mutex_;  // serialises check(): one log line per change
  std::mutex stop_mutex_;
  std::condition_variable stop_signal_;
  bool stopping_ = false;
  std::thread watcher_;
};

}  // namespace whisper_server
