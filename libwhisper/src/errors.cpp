// Wire spelling of the client error codes (PROTOCOL.md "Error codes").
#include "whisper/errors.hpp"

namespace whisper {

std::string_view to_string(error_code code) {
  switch (code) {
    case error_code::room_invalid:
      return "ROOM_INVALID";
    case error_code::room_access_denied:
      return "ROOM_ACCESS_DENIED";
    case error_code::bad_request:
      return "BAD_REQUEST";
    case error_code::message_too_long:
      return "MESSAGE_TOO_LONG";
    case error_code::rate_limited:
      return "RATE_LIMITED";
  }
  // Unreachable for valid enumerators; a cast-in value still gets a safe spelling.
  return "BAD_REQUEST";
}

}  // namespace whisper
