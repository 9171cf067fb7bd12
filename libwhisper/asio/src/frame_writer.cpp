#include "frame_writer.hpp"

#include "utf8.hpp"

namespace whisper::net {

std::size_t write_frame_header(std::uint8_t* out, std::uint8_t op, std::uint64_t payload_size) {
  out[0] = static_cast<std::uint8_t>(0x80 | (op & 0x0F));
  if (payload_size < 126) {
    out[1] = static_cast<std::uint8_t>(payload_size);
    return 2;
  }
  if (payload_size <= 0xFFFF) {
    out[1] = 126;
    out[2] = static_cast<std::uint8_t>(payload_size >> 8);
    out[3] = static_cast<std::uint8_t>(payload_size);
    return 4;
  }
  out[1] = 127;
  for (std::size_t i = 0; i < 8; ++i) {
    out[2 + i] = static_cast<std::uint8_t>(payload_size >> (56 - 8 * i));
  }
  return 10;
}

frame_header make_frame_header(std::uint8_t op, std::uint64_t payload_size) {
  frame_header h;
  h.size = static_cast<std::uint8_t>(write_frame_header(h.bytes.data(), op, payload_size));
  return h;
}

std::string close_payload(int code, std::string_view reason) {
  constexpr std::size_t max_reason = 125 - 2;
  if (reason.size() > max_reason) {
    reason = reason.substr(0, max_reason);
    // Drop a character cut in half (at most 3 trailing bytes).
    while (!reason.empty() && !valid_utf8(reason)) reason.remove_suffix(1);
  }
  std::string out;
  out.reserve(2 + reason.size());
  out.push_back(static_cast<char>((code >> 8) & 0xFF));
  out.push_back(static_cast<char>(code & 0xFF));
  out.append(reason);
  return out;
}

}  // namespace whisper::net
