// The re-check of open connections after another process changed the database.
#include "store/account_watch.hpp"

#include <exception>
#include <map>
#include <optional>
#include <string>
#include <unordered_set>

#include "whisper/errors.hpp"

namespace whisper_server {

account_watch::account_watch(database& db, sqlite_user_store& users, sqlite_session_store& sessions,
                             whisper::chat_hub& hub, std::shared_ptr<spdlog::logger> log,
                             std::chrono::milliseconds interval)
    : db_(db),
      users_(users),
      sessions_(sessions),
      hub_(hub),
      log_(std::move(log)),
      interval_(interval),
      data_version_(data_version()),  // from now on, every change made elsewhere counts
      thread_([this] { run(); }) {}

account_watch::~account_watch() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

void account_watch::run() {
  std::unique_lock<std::mutex> lock(mutex_);
  while (!wake_.wait_for(lock, interval_, [this] { return stopping_; })) {
    lock.unlock();
    try {
      if (changed_elsewhere()) {
        // A session ended or an account changed elsewhere must not open new sockets.
        sessions_.drop_cache();
        users_.drop_cache();
        check_now();
      }
    } catch (const std::exception& e) {
      // A database that is gone or locked is reported elsewhere (healthz, the file
      // guard); the next round tries again.
      log_->debug("account re-check skipped: {}", e.what());
    }
    lock.lock();
  }
}

std::int64_t account_watch::data_version() {
  auto guard = db_.lock();
  statement query(db_, "PRAGMA data_version");
  query.step();
  return query.column_int(0);
}

bool account_watch::changed_elsewhere() {
  const std::int64_t now = data_version();
  const bool changed = now != data_version_;
  data_version_ = now;
  return changed;
}

void account_watch::check_now() {
  const auto open = hub_.connections();
  if (open.empty()) return;
  const std::unordered_set<std::string> live_sessions = sessions_.live_session_tags();
  std::map<whisper::user_id, std::optional<whisper::user>> accounts;  // one lookup per user
  std::size_t closed = 0;
  std::size_t changed = 0;
  for (const auto& connection : open) {
    const whisper::user had = connection->user();
    auto [it, fresh] = accounts.try_emplace(had.id);
    if (fresh) it->second = users_.find(had.id);
    const std::optional<whisper::user>& now = it->second;
    if (!now || !now->is_active) {
      connection->close(whisper::close_code::policy_violation,
                        now ? "account disabled" : "account deleted");
      ++closed;
    } else if (!connection->session().empty() && live_sessions.count(connection->session()) == 0) {
      connection->close(whisper::close_code::policy_violation, "session ended");
      ++closed;
    } else if (now->is_staff != had.is_staff || now->name != had.name) {
      connection->apply_user_change(*now);
      ++changed;
    }
  }
  if (closed + changed > 0) {
    log_->info("accounts changed by another process: {} connection(s) closed, {} updated", closed,
               changed);
  }
}

}  // namespace whisper_server
