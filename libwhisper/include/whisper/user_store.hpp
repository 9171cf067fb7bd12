// Where user accounts are kept, with their password hashes (see password.hpp).
#pragma once

#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "whisper/user.hpp"

namespace whisper {

/// Thrown by user_store::create for a username that is taken.
class duplicate_username : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// The set of user accounts.
///
/// Thread safety: implementations must allow concurrent calls from any thread.
class user_store {
 public:
  virtual ~user_store() = default;
  virtual std::optional<user> find(user_id id) = 0;
  virtual std::optional<user> find_by_username(std::string_view username) = 0;
  /// Every user, ordered by id.
  virtual std::vector<user> list() = 0;
  /// Creates a user (its id is assigned; u.id is ignored) with an encoded password hash
  /// (empty: no password, cannot log in). Throws duplicate_username.
  virtual user create(const user& u, const std::string& password_hash) = 0;
  /// Updates name, is_staff and is_active (username too; throws duplicate_username).
  /// Returns false if there is no such user.
  virtual bool update(const user& u) = 0;
  virtual std::optional<std::string> password_hash(user_id id) = 0;
  virtual bool set_password_hash(user_id id, const std::string& password_hash) = 0;
  virtual bool remove(user_id id) = 0;
};

}  // namespace whisper
