// RFC 6455 opcodes and the close codes the transport itself uses.
#pragma once

#include <cstdint>

namespace whisper::net {

/// WebSocket frame opcodes (RFC 6455 §5.2). Also the `kind` byte of the items in a
/// connection's outbound_queue, plus one transport-private kind (raw_bytes).
namespace opcode {
inline constexpr std::uint8_t continuation = 0x0;
inline constexpr std::uint8_t text = 0x1;
inline constexpr std::uint8_t binary = 0x2;
inline constexpr std::uint8_t close = 0x8;
inline constexpr std::uint8_t ping = 0x9;
inline constexpr std::uint8_t pong = 0xA;
/// Not an opcode: bytes written as they are, without a frame header (the 101 response,
/// so that it goes through the connection's one writer ahead of every frame).
inline constexpr std::uint8_t raw_bytes = 0xFF;
}  // namespace opcode

/// Close codes of protocol errors the frame parser detects (RFC 6455 §7.4.1).
namespace ws_close {
inline constexpr int protocol_error = 1002;
inline constexpr int unsupported_data = 1003;
inline constexpr int no_status = 1005;  // received close without a code; never sent
inline constexpr int invalid_payload = 1007;
inline constexpr int message_too_big = 1009;
}  // namespace ws_close

/// True for a close code a peer may send (RFC 6455 §7.4: 1000-1003, 1007-1014 as
/// registered with IANA, and 3000-4999 for libraries and applications).
constexpr bool valid_close_code(int code) {
  return (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1014) ||
         (code >= 3000 && code <= 4999);
}

}  // namespace whisper::net
