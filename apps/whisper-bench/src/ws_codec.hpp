// The client side of RFC 6455 framing, sans-IO: encode masked client frames into a
// caller's buffer, and decode the server's (unmasked) frames from a byte range.
// Neither function touches a socket, so both are unit-tested with bytes alone.
//
// Thread safety: mask_source: distinct objects safe, shared unsafe (one per thread).
// The free functions are pure.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace whisper_bench {

enum class opcode : std::uint8_t {
  continuation = 0x0,
  text = 0x1,
  binary = 0x2,
  close = 0x8,
  ping = 0x9,
  pong = 0xA,
};

// Masks come from a table filled once from a xorshift generator (RFC 6455 asks for
// an unpredictable mask per frame; a bench needs only that they differ, and a table
// keeps the per-frame cost to one load).
class mask_source {
 public:
  explicit mask_source(std::uint64_t seed);
  std::uint32_t next() {
    std::uint32_t mask = table_[cursor_];
    cursor_ = (cursor_ + 1) & (table_size - 1);
    return mask;
  }

 private:
  static constexpr std::size_t table_size = 4096;
  std::vector<std::uint32_t> table_;
  std::size_t cursor_ = 0;
};

// Appends one complete, masked, FIN frame carrying `payload` to `out`.
void append_client_frame(std::string& out, opcode opcode, std::string_view payload,
                         std::uint32_t mask);

// A decoded server frame; `payload` points into the caller's buffer.
struct server_frame {
  bool fin = true;
  whisper_bench::opcode opcode = whisper_bench::opcode::text;
  std::string_view payload;
};

enum class decode_status { frame, need_more, protocol_error };

struct decode_result {
  decode_status status;
  std::size_t consumed;  // bytes of the frame (header + payload) when decode_status::frame
  server_frame frame;
};

// Decodes the frame at the start of [data, data+size). A server must not mask its
// frames and must not use reserved bits we did not negotiate: both are protocol errors.
// Payloads above `max_payload` are errors too (a bench bug or a broken server).
decode_result decode_server_frame(const char* data, std::size_t size,
                                  std::size_t max_payload = 16u << 20);

}  // namespace whisper_bench
