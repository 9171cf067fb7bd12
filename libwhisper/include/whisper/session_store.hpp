// Login sessions: an opaque random id (the cookie value) naming a user until it expires.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "whisper/user.hpp"

namespace whisper {

/// The set of live sessions.
///
/// Thread safety: implementations must allow concurrent calls from any thread.
/// lookup() is on the WebSocket upgrade path: keep it fast.
class session_store {
 public:
  virtual ~session_store() = default;
  /// Starts a session for a user; returns its id: 256 random bits, hex-encoded.
  virtual std::string create(user_id user, std::chrono::seconds lifetime) = 0;
  /// The user of a live (unexpired) session, or nullopt.
  virtual std::optional<user_id> lookup(std::string_view session_id) = 0;
  /// Ends one session (logout). No-op if absent.
  virtual void remove(std::string_view session_id) = 0;
  /// Ends every session of a user (account disabled or deleted, password changed).
  virtual void remove_user(user_id user) = 0;
};

/// The tag of a session for auth_result::session and chat_hub::end_session: 16 hex digits
/// derived from the session id (FNV-1a, 64 bits). Deterministic across processes, so
/// every process sharing a channel layer names a session alike; 64 bits of a 256-bit
/// random id tell nothing usable about the id.
std::string session_tag(std::string_view session_id);

/// 32 bytes from the operating system's CSPRNG, as 64 lowercase hex digits.
std::string random_token(std::size_t bytes = 32);

}  // namespace whisper
