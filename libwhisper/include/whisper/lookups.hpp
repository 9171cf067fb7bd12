// What the core reads from the application's stores: three lookups, nothing else. The
// core never creates, changes or lists accounts, rooms or sessions; the application
// does, through the fuller interfaces of account_stores.hpp (which extend these), or an
// embedder implements just these over whatever it keeps accounts in.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "whisper/room.hpp"
#include "whisper/user.hpp"

namespace whisper {

/// Which user a login session belongs to (session_cookie_authenticator reads it).
///
/// Thread safety: implementations must allow concurrent calls from any thread.
/// lookup() is on the WebSocket upgrade path: keep it fast.
class session_lookup {
 public:
  virtual ~session_lookup() = default;
  /// The user of a live (unexpired) session, or nullopt.
  virtual std::optional<user_id> lookup(std::string_view session_id) = 0;
};

/// A user account by id (session_cookie_authenticator reads it).
///
/// Thread safety: implementations must allow concurrent calls from any thread.
class user_lookup {
 public:
  virtual ~user_lookup() = default;
  virtual std::optional<user> find(user_id id) = 0;
};

/// A room by id (the hub reads it on join, leave, send and room_users).
///
/// Thread safety: implementations must allow concurrent calls from any thread.
/// find() is on the join path: keep it fast (cache if the backing store is slow).
class room_lookup {
 public:
  virtual ~room_lookup() = default;
  virtual std::optional<room> find(room_id id) = 0;
};

/// The tag of a session for auth_result::session and chat_hub::end_session: 16 hex digits
/// derived from the session id (FNV-1a, 64 bits). Deterministic across processes, so
/// every process sharing a channel layer names a session alike; 64 bits of a 256-bit
/// random id tell nothing usable about the id.
std::string session_tag(std::string_view session_id);

}  // namespace whisper
