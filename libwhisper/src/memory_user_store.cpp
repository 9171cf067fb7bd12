// In-memory user accounts with their password hashes: ids from 1, unique usernames.
#include <map>
#include <mutex>

#include "whisper/memory_stores.hpp"

namespace whisper {

struct memory_user_store::state {
  struct account {
    user who;
    std::string password_hash;
  };
  std::mutex mutex;
  std::map<user_id, account> accounts;  // ordered: list() is by id
  user_id next_id = 1;

  bool username_taken_locked(std::string_view username, user_id except) const {
    for (const auto& entry : accounts) {
      if (entry.first != except && entry.second.who.username == username) return true;
    }
    return false;
  }
};

memory_user_store::memory_user_store() : state_(std::make_unique<state>()) {}
memory_user_store::~memory_user_store() = default;

std::optional<user> memory_user_store::find(user_id id) {
  std::lock_guard<std::mutex> lock(state_->mutex);
  auto it = state_->accounts.find(id);
  if (it == state_->accounts.end()) return std::nullopt;
  return it->second.who;
}

std::optional<user> memory_user_store::find_by_username(std::string_view username) {
  std::lock_guard<std::mutex> lock(state_->mutex);
  for (const auto& entry : state_->accounts) {
    if (entry.second.who.username == username) return entry.second.who;
  }
  return std::nullopt;
}

std::vector<user> memory_user_store::list() {
  std::lock_guard<std::mutex> lock(state_->mutex);
  std::vector<user> out;
  out.reserve(state_->accounts.size());
  for (const auto& entry : state_->accounts) out.push_back(entry.second.who);
  return out;
}

user memory_user_store::create(const user& u, const std::string& password_hash) {
  std::lock_guard<std::mutex> lock(state_->mutex);
  if (state_->username_taken_locked(u.username, 0)) {
    throw duplicate_username("username already taken: " + u.username);
  }
  user made = u;
  made.id = state_->next_id++;
  state_->accounts.emplace(made.id, state::account{made, password_hash});
  return made;
}

bool memory_user_store::update(const user& u) {
  std::lock_guard<std::mutex> lock(state_->mutex);
  auto it = state_->accounts.find(u.id);
  if (it == state_->accounts.end()) return false;
  if (state_->username_taken_locked(u.username, u.id)) {
    throw duplicate_username("username already taken: " + u.username);
  }
  it->second.who = u;
  return true;
}

std::optional<std::string> memory_user_store::password_hash(user_id id) {
  std::lock_guard<std::mutex> lock(state_->mutex);
  auto it = state_->accounts.find(id);
  if (it == state_->accounts.end()) return std::nullopt;
  return it->second.password_hash;
}

bool memory_user_store::set_password_hash(user_id id, const std::string& password_hash) {
  std::lock_guard<std::mutex> lock(state_->mutex);
  auto it = state_->accounts.find(id);
  if (it == state_->accounts.end()) return false;
  it->second.password_hash = password_hash;
  return true;
}

bool memory_user_store::remove(user_id id) {
  std::lock_guard<std::mutex> lock(state_->mutex);
  return state_->accounts.erase(id) > 0;
}

}  // namespace whisper
