// In-memory implementations of the stores, for tests and for embedders who keep
// accounts elsewhere. Nothing survives the process.
#pragma once

#include <chrono>
#include <functional>
#include <memory>

#include "whisper/account_stores.hpp"

namespace whisper {

/// Thread safety: every member may be called concurrently.
class memory_room_directory final : public room_directory {
 public:
  memory_room_directory();
  ~memory_room_directory() override;
  std::optional<room> find(room_id id) override;
  std::vector<room> list() override;
  room create(const std::string& title, bool staff_only) override;
  bool update(const room& r) override;
  bool remove(room_id id) override;

 private:
  struct state;
  std::unique_ptr<state> state_;
};

/// Thread safety: every member may be called concurrently.
class memory_user_store final : public user_store {
 public:
  memory_user_store();
  ~memory_user_store() override;
  std::optional<user> find(user_id id) override;
  std::optional<user> find_by_username(std::string_view username) override;
  std::vector<user> list() override;
  user create(const user& u, const std::string& password_hash) override;
  bool update(const user& u) override;
  std::optional<std::string> password_hash(user_id id) override;
  bool set_password_hash(user_id id, const std::string& password_hash) override;
  bool remove(user_id id) override;

 private:
  struct state;
  std::unique_ptr<state> state_;
};

/// Thread safety: every member may be called concurrently.
class memory_session_store final : public session_store {
 public:
  using clock_fn = std::function<std::chrono::system_clock::time_point()>;
  explicit memory_session_store(clock_fn now = {});
  ~memory_session_store() override;
  std::string create(user_id user, std::chrono::seconds lifetime) override;
  std::optional<user_id> lookup(std::string_view session_id) override;
  void remove(std::string_view session_id) override;
  void remove_user(user_id user) override;

 private:
  struct state;
  std::unique_ptr<state> state_;
};

}  // namespace whisper
