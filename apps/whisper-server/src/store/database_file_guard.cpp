// stat(2) of the configured path against the identity remembered at open.
#include "store/database_file_guard.hpp"

#include <spdlog/spdlog.h>
#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <optional>

namespace whisper_server {
namespace {

std::optional<file_identity> identity_of(const std::string& path, int* error) {
  struct stat info {};
  if (::stat(path.c_str(), &info) != 0) {
    if (error != nullptr) *error = errno;
    return std::nullopt;
  }
  return file_identity{info.st_dev, info.st_ino};
}

}  // namespace

database_file_guard::database_file_guard(std::string path, std::shared_ptr<spdlog::logger> log,
                                         std::chrono::milliseconds period)
    : path_(std::move(path)), log_(std::move(log)), period_(period) {
  if (auto opened = identity_of(path_, nullptr)) {
    opened_ = *opened;
    enabled_ = true;
    watcher_ = std::thread([this] { watch(); });
  }
}

database_file_guard::~database_file_guard() {
  {
    std::lock_guard<std::mutex> lock(stop_mutex_);
    stopping_ = true;
  }
  stop_signal_.notify_all();
  if (watcher_.joinable()) watcher_.join();
}

database_file_state database_file_guard::check() {
  if (!enabled_) return database_file_state::ok;
  std::lock_guard<std::mutex> lock(mutex_);
  int error = 0;
  const auto now = identity_of(path_, &error);
  // Only a path that is gone counts as missing; EACCES and the like say nothing about
  // which file is there, so they leave the state as it was.
  database_file_state found = state_.load(std::memory_order_relaxed);
  if (!now && error == ENOENT) {
    found = database_file_state::missing;
  } else if (now) {
    found = *now == opened_ ? database_file_state::ok : database_file_state::replaced;
  }
  const database_file_state before = state_.exchange(found, std::memory_order_acq_rel);
  if (found != before) {
    if (found == database_file_state::ok) {
      log_->info(
          "database file {} is back (the same file the server opened): logins and "
          "changes are accepted again",
          path_);
    } else {
      log_->error(
          "{}: logins, sign-ups, logouts and admin changes are refused (HTTP 503) and "
          "/healthz answers 503; chats already open keep working. Fix: restore the "
          "file (e.g. rename it back), or run `whisper-server migrate` and restart",
          reason(found));
    }
  }
  return found;
}

std::string database_file_guard::reason(database_file_state state) const {
  switch (state) {
    case database_file_state::ok:
      return {};
    case database_file_state::missing:
      return "database file " + path_ + " was removed while the server runs";
    case database_file_state::replaced:
      return "database file " + path_ + " was replaced by another file while the server runs";
  }
  return {};
}

void database_file_guard::watch() {
  std::unique_lock<std::mutex> lock(stop_mutex_);
  while (!stop_signal_.wait_for(lock, period_, [this] { return stopping_; })) {
    lock.unlock();
    try {
      check();
    } catch (const std::exception&) {
      // A logging failure must not end the process from this thread; the next check
      // (or the next /healthz) tries again.
    }
    lock.lock();
  }
}

}  // namespace whisper_server
