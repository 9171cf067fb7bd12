// What the server puts on the wire for one frame, for tests to compare against: the
// transport itself never builds a frame as one string (it writes the header and the
// shared payload side by side).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "frame_writer.hpp"

namespace whisper_test {

/// Header and payload of a final, unmasked server frame, in one string.
inline std::string server_frame(std::uint8_t op, std::string_view payload) {
  std::string out(whisper::net::make_frame_header(op, payload.size()).view());
  out.append(payload);
  return out;
}

}  // namespace whisper_test
