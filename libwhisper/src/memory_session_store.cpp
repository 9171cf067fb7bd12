// In-memory login sessions: random ids, expiry read from an injectable clock.
#include <map>
#include <mutex>

#include "whisper/memory_stores.hpp"

namespace whisper {

struct memory_session_store::state {
  struct session {
    user_id who;
    std::chrono::system_clock::time_point expires;
  };
  std::mutex mutex;
  std::map<std::string, session, std::less<>> sessions;
  clock_fn now;
};

memory_session_store::memory_session_store(clock_fn now) : state_(std::make_unique<state>()) {
  state_->now = now ? std::move(now) : clock_fn([] { return std::chrono::system_clock::now(); });
}
memory_session_store::~memory_session_store() = default;

std::string memory_session_store::create(user_id user, std::chrono::seconds lifetime) {
  std::string id = random_token();
  const auto expires = state_->now() + lifetime;
  std::lock_guard<std::mutex> lock(state_->mutex);
  state_->sessions[id] = state::session{user, expires};
  return id;
}

std::optional<user_id> memory_session_store::lookup(std::string_view session_id) {
  const auto now = state_->now();
  std::lock_guard<std::mutex> lock(state_->mutex);
  auto it = state_->sessions.find(session_id);
  if (it == state_->sessions.end()) return std::nullopt;
  if (now >= it->second.expires) {
    state_->sessions.erase(it);  // expired sessions are forgotten when met
    return std::nullopt;
  }
  return it->second.who;
}

void memory_session_store::remove(std::string_view session_id) {
  std::lock_guard<std::mutex> lock(state_->mutex);
  auto it = state_->sessions.find(session_id);
  if (it != state_->sessions.end()) state_->sessions.erase(it);
}

void memory_session_store::remove_user(user_id user) {
  std::lock_guard<std::mutex> lock(state_->mutex);
  for (auto it = state_->sessions.begin(); it != state_->sessions.end();) {
    it = it->second.who == user ? state_->sessions.erase(it) : std::next(it);
  }
}

}  // namespace whisper
