// The error codes a client can cause ("Error codes" in protocol.md, installed as
// share/doc/whisper/protocol.md). Client errors are
// values sent back as {"error": CODE}; they never surface as exceptions.
#pragma once

#include <string_view>

namespace whisper {

enum class error_code {
  room_invalid,        ///< no room with that id, or the id is not a number
  room_access_denied,  ///< staff-only room for a non-staff user, or send to a room not joined
  bad_request,         ///< not a JSON object, missing or ill-typed field, unknown command
  message_too_long,    ///< message over limits::max_message_bytes
  rate_limited,        ///< commands faster than limits::commands_per_second allows
};

/// The wire spelling: "ROOM_INVALID", "ROOM_ACCESS_DENIED", ...
std::string_view to_string(error_code code);

/// WebSocket close codes the core asks transports to use (RFC 6455 §7.4.1).
namespace close_code {
inline constexpr int normal = 1000;
inline constexpr int going_away = 1001;        ///< server shutting down
inline constexpr int unsupported_data = 1003;  ///< binary frame
inline constexpr int policy_violation = 1008;  ///< repeated rate-limit abuse, account disabled
inline constexpr int message_too_big = 1009;   ///< frame over limits::max_frame_bytes
inline constexpr int try_again_later = 1013;   ///< outbound queue overflow: client too slow
}  // namespace close_code

}  // namespace whisper
