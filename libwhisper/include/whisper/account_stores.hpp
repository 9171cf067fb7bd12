// The application's stores of sessions, user accounts (with their password hashes, see
// password.hpp) and rooms: the lookups the core reads (lookups.hpp) plus what the
// application's pages, API and management commands do with them. The core calls none
// of the members declared here; memory_stores.hpp implements them for tests and small
// embedders, the server implements them over SQLite.
#pragma once

#include <chrono>
#include <cstddef>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "whisper/lookups.hpp"
#include "whisper/room.hpp"
#include "whisper/user.hpp"

namespace whisper {

/// The set of live sessions.
///
/// Thread safety: implementations must allow concurrent calls from any thread.
class session_store : public session_lookup {
 public:
  /// Starts a session for a user; returns its id: 256 random bits, hex-encoded.
  virtual std::string create(user_id user, std::chrono::seconds lifetime) = 0;
  /// Ends one session (logout). No-op if absent.
  virtual void remove(std::string_view session_id) = 0;
  /// Ends every session of a user (account disabled or deleted, password changed).
  virtual void remove_user(user_id user) = 0;
};

/// Thrown by user_store::create for a username that is taken.
class duplicate_username : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// The set of user accounts.
///
/// Thread safety: implementations must allow concurrent calls from any thread.
class user_store : public user_lookup {
 public:
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

/// The set of rooms.
///
/// Thread safety: implementations must allow concurrent calls from any thread.
class room_directory : public room_lookup {
 public:
  /// Every room, ordered by id.
  virtual std::vector<room> list() = 0;
  /// Creates a room with a fresh id and returns it.
  virtual room create(const std::string& title, bool staff_only) = 0;
  /// Updates title and staff_only of an existing room; false if there is none.
  virtual bool update(const room& r) = 0;
  /// Deletes a room; false if there was none.
  virtual bool remove(room_id id) = 0;
};

/// `bytes` bytes from the operating system's CSPRNG, as lowercase hex digits (64 for the
/// default 32): session ids, CSRF tokens, API tokens. Thread-safe.
std::string random_token(std::size_t bytes = 32);

}  // namespace whisper
