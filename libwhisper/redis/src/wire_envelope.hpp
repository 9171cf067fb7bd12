// What travels in a Redis PUBLISH: the sending process's id (so it can skip its own
// broadcasts, already delivered locally), the target channel for send() (empty for a
// group), and serialize_event() of the event. Lines separated by '\n'; the ids never
// contain one, the serialized event may.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace whisper::redis_detail {

struct envelope {
  std::string_view origin;
  std::string_view target;
  std::string_view event;  ///< serialize_event() text
};

std::string encode_envelope(std::string_view origin, std::string_view target,
                            std::string_view event);
/// nullopt if the payload is not an envelope. The views point into `payload`.
std::optional<envelope> decode_envelope(std::string_view payload);

/// A random version-4 UUID (the process id).
std::string make_process_id();

}  // namespace whisper::redis_detail
