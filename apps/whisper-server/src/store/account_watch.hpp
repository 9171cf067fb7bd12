// Changes that another process makes to accounts and sessions (the changepassword
// command, a whisper-server on the same database without a shared channel layer) reach
// the open WebSockets of this one.
#pragma once

#include <spdlog/logger.h>

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <thread>

#include "store/sqlite_db.hpp"
#include "store/sqlite_session_store.hpp"
#include "store/sqlite_user_store.hpp"
#include "whisper/account_stores.hpp"
#include "whisper/chat_hub.hpp"

namespace whisper_server {

/// Every `interval`, asks SQLite whether another connection committed to the database
/// (PRAGMA data_version; this process's own writes tell their open sockets directly) and,
/// if one did, re-checks every open connection of this process against the database: a
/// deleted or deactivated user, or an ended session, is closed (1008); new flags are
/// applied (rooms the room policy no longer admits are left, as chat_hub::update_user does).
///
/// Thread safety: one thread of its own; check_now() may be called from any thread.
class account_watch {
 public:
  account_watch(database& db, sqlite_user_store& users, sqlite_session_store& sessions,
                whisper::chat_hub& hub, std::shared_ptr<spdlog::logger> log,
                std::chrono::milliseconds interval);
  ~account_watch();
  account_watch(const account_watch&) = delete;
  account_watch& operator=(const account_watch&) = delete;

  /// Re-checks every open connection now, whether or not the database changed.
  void check_now();

 private:
  void run();
  bool changed_elsewhere();
  std::int64_t data_version();

  database& db_;
  sqlite_user_store& users_;
  sqlite_session_store& sessions_;
  whisper::chat_hub& hub_;
  std::shared_ptr<spdlog::logger> log_;
  const std::chrono::milliseconds interval_;
  std::int64_t data_version_;  // the last PRAGMA data_version seen (then: watch thread only)
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;  // last: started once everything above is set
};

}  // namespace whisper_server
