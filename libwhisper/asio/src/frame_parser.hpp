// Sans-IO parser of client-to-server WebSocket frames (RFC 6455 §5): bytes in, events
// out, no socket. Payloads are unmasked straight into the message being assembled, so
// the caller's read buffer can stay small and be shared by every connection of a thread.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "utf8.hpp"

namespace whisper::net {

/// What the parser found.
struct frame_event {
  enum class type {
    text,   ///< a complete (reassembled) text message in `payload`
    ping,   ///< answer with a pong carrying `payload`
    pong,   ///< `payload` is the pong's payload
    close,  ///< the peer closes: `code` (1005 when it sent none), reason in `payload`
    fail,   ///< protocol violation: close with `code`; `payload` says why (for logs)
  };
  type kind = type::text;
  std::string payload;
  int code = 0;
};

/// Parses the frames of one client connection.
///
/// Enforces: client frames masked (1002), RSV bits clear (1002), known opcodes (1002),
/// control frames unfragmented and <= 125 bytes (1002), continuation only inside a
/// fragmented message (1002), 64-bit lengths with the top bit clear (1002), binary
/// refused (1003), text valid UTF-8 across fragments (1007), a frame or reassembled
/// message over `max_message_bytes` refused from its header, before buffering (1009).
/// After a close or a fail event the parser consumes nothing more.
///
/// Thread safety: distinct objects safe; a shared object is unsafe.
class frame_parser {
 public:
  explicit frame_parser(std::size_t max_message_bytes) : max_message_bytes_(max_message_bytes) {}

  /// Consumes bytes from the front of `input` until one event is complete (returned) or
  /// `input` is used up (nullopt). Call again with the rest of `input` after an event.
  std::optional<frame_event> next(std::string_view& input);

 private:
  enum class stage : std::uint8_t { header, payload, finished };

  std::optional<frame_event> read_header(std::string_view& input);
  std::optional<frame_event> check_start(std::uint8_t b0, std::uint8_t b1);
  std::optional<frame_event> check_length();
  std::optional<frame_event> read_payload(std::string_view& input);
  std::optional<frame_event> finish_frame();
  std::optional<frame_event> finish_close();
  frame_event fail(int code, std::string why);
  std::string& buffer();
  std::size_t message_size() const;
  // Takes the current control frame's payload off the end of the buffer.
  std::string take_control();

  std::size_t max_message_bytes_;
  stage stage_ = stage::header;
  // Header being read: 2 bytes, up to 8 of extended length, 4 of mask key.
  std::array<std::uint8_t, 14> header_{};
  std::uint8_t header_have_ = 0;
  std::uint8_t header_need_ = 2;
  // The frame whose payload is being read.
  std::uint8_t opcode_ = 0;
  bool fin_ = false;
  std::uint64_t remaining_ = 0;
  std::array<std::uint8_t, 4> mask_{};
  std::uint8_t mask_pos_ = 0;
  // One buffer, made when a frame brings payload and dropped when a message or control
  // frame is handed over, so an idle parser holds a null pointer only: the text message
  // being reassembled, then the payload of the current control frame after it (control
  // frames may arrive between the fragments of a message; control_length_ of its bytes
  // are the control frame's).
  bool in_message_ = false;
  std::uint8_t control_length_ = 0;
  std::unique_ptr<std::string> buffer_;
  utf8_validator utf8_;
};

}  // namespace whisper::net
