// Sans-IO encoding of server-to-client WebSocket frames (RFC 6455 §5.2). Server frames
// are unmasked, so a frame is a 2-10 byte header followed by the shared payload bytes
// unchanged: the payload is written from the one shared buffer to every recipient.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace whisper::net {

/// The header of one unfragmented (FIN) server frame.
struct frame_header {
  std::array<std::uint8_t, 10> bytes{};
  std::uint8_t size = 0;
  std::string_view view() const { return {reinterpret_cast<const char*>(bytes.data()), size}; }
};

/// Size of that header: 2, 4 or 10 bytes.
constexpr std::size_t frame_header_size(std::uint64_t payload_size) {
  return payload_size < 126 ? 2 : payload_size <= 0xFFFF ? 4 : 10;
}

/// Header of a final, unmasked frame with this opcode and payload size.
frame_header make_frame_header(std::uint8_t op, std::uint64_t payload_size);
/// The same header written to `out` (room for 10 bytes); returns its size.
std::size_t write_frame_header(std::uint8_t* out, std::uint8_t op, std::uint64_t payload_size);

/// The payload of a close frame: the 2-byte code, then the reason cut to fit the
/// 125-byte control frame limit without splitting a UTF-8 character.
std::string close_payload(int code, std::string_view reason);

}  // namespace whisper::net
