// Auth policy as two pluggable callbacks: who is connecting (authenticator) and may
// they enter this room (room_policy). The defaults are the original's: a session cookie
// names a logged-in user, and staff-only rooms admit staff only.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "whisper/errors.hpp"
#include "whisper/lookups.hpp"
#include "whisper/request.hpp"
#include "whisper/room.hpp"
#include "whisper/user.hpp"

namespace whisper {

/// The answer of an authenticator: a user, or a refusal with an HTTP status.
struct auth_result {
  std::optional<user> who;  ///< set when accepted
  int status = 403;         ///< refusal status sent to the client
  std::string reason;       ///< for the server log; never contains a secret

  /// Names the login session the connection rides on, when there is one, so that ending
  /// that session (chat_hub::end_session) closes exactly its connections. An opaque tag,
  /// never the secret itself: it becomes a group name, which a channel layer may show
  /// (see session_tag()).
  std::string session;

  static auth_result accept(user u, std::string session = {});
  static auth_result refuse(std::string reason, int status = 403);
  explicit operator bool() const { return who.has_value(); }
};

/// Decides who a request belongs to: a WebSocket upgrade (called on the transport's thread
/// once per upgrade) or, in whisper-server, every page request. Reads `request.cookies`,
/// which the transport filled. Must be thread-safe and should be fast.
using authenticator = std::function<auth_result(const request&)>;

/// Decides whether a user may enter (join, list presence of) a room: nullopt admits,
/// an error code refuses. Called for every join; must be thread-safe.
using room_policy = std::function<std::optional<error_code>(const user&, const room&)>;

/// The default authenticator: cookie `cookie_name` names a live session in `sessions`
/// whose user exists in `users` and is active. Only lookups are made (any session_store
/// and user_store of account_stores.hpp will do); both must outlive the callback.
authenticator session_cookie_authenticator(session_lookup& sessions, user_lookup& users,
                                           std::string cookie_name = "sessionid");

/// The default room policy: a staff-only room refuses non-staff users
/// (ROOM_ACCESS_DENIED); every other room admits every user.
room_policy staff_only_policy();

/// The Origin check that stops cross-site WebSocket hijacking. True when there is no
/// Origin (non-browser clients), or the Origin's host[:port] equals `request_host`
/// (when `allowed_hosts` is empty) or one of `allowed_hosts` ("*" allows any; an entry
/// without a port matches any port of that host).
bool origin_allowed(std::optional<std::string_view> origin, std::string_view request_host,
                    const std::vector<std::string>& allowed_hosts);

}  // namespace whisper
