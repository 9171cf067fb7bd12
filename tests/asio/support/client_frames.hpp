// What a WebSocket client puts on the wire, built by hand so tests can also build
// frames a correct client never would (unmasked, reserved bits, lying lengths).
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace whisper_test {

struct client_frame_options {
  bool fin = true;
  bool masked = true;
  std::uint8_t rsv = 0;  // the three reserved bits, 0..7
  std::array<std::uint8_t, 4> mask{{0x37, 0xfa, 0x21, 0x3d}};
  /// Length to announce instead of the payload's (lying headers); nullopt: the real one.
  std::optional<std::uint64_t> announced_length;
};

/// One client frame: header, mask key and the masked payload.
inline std::string client_frame(std::uint8_t op, std::string_view payload,
                                const client_frame_options& o = {}) {
  std::string out;
  out.push_back(static_cast<char>((o.fin ? 0x80 : 0) | ((o.rsv & 7) << 4) | (op & 0x0F)));
  const std::uint64_t length = o.announced_length.value_or(payload.size());
  const int mask_bit = o.masked ? 0x80 : 0;
  if (length < 126) {
    out.push_back(static_cast<char>(mask_bit | static_cast<int>(length)));
  } else if (length <= 0xFFFF) {
    out.push_back(static_cast<char>(mask_bit | 126));
    out.push_back(static_cast<char>(length >> 8));
    out.push_back(static_cast<char>(length & 0xFF));
  } else {
    out.push_back(static_cast<char>(mask_bit | 127));
    for (int shift = 56; shift >= 0; shift -= 8) {
      out.push_back(static_cast<char>((length >> shift) & 0xFF));
    }
  }
  if (o.masked) {
    for (auto b : o.mask) out.push_back(static_cast<char>(b));
  }
  for (std::size_t i = 0; i < payload.size(); ++i) {
    const auto byte = static_cast<std::uint8_t>(payload[i]);
    out.push_back(static_cast<char>(o.masked ? byte ^ o.mask[i % 4] : byte));
  }
  return out;
}

}  // namespace whisper_test
