#include "ws_codec.hpp"

#include <cstring>

namespace whisper_bench {

mask_source::mask_source(std::uint64_t seed) : table_(table_size) {
  std::uint64_t state = seed ? seed : 0x9E3779B97F4A7C15ULL;
  for (auto& mask : table_) {
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    mask = static_cast<std::uint32_t>(state >> 16);
  }
}

void append_client_frame(std::string& out, opcode opcode, std::string_view payload,
                         std::uint32_t mask) {
  unsigned char header[14];
  std::size_t header_size = 2;
  header[0] = static_cast<unsigned char>(0x80u | static_cast<unsigned>(opcode));
  const std::uint64_t length = payload.size();
  if (length < 126) {
    header[1] = static_cast<unsigned char>(0x80u | length);
  } else if (length <= 0xFFFF) {
    header[1] = 0x80u | 126u;
    header[2] = static_cast<unsigned char>(length >> 8);
    header[3] = static_cast<unsigned char>(length);
    header_size = 4;
  } else {
    header[1] = 0x80u | 127u;
    for (int i = 0; i < 8; ++i) header[2 + i] = static_cast<unsigned char>(length >> (56 - 8 * i));
    header_size = 10;
  }
  unsigned char key[4];
  std::memcpy(key, &mask, 4);
  std::memcpy(header + header_size, key, 4);
  header_size += 4;

  const std::size_t start = out.size();
  out.resize(start + header_size + payload.size());
  char* dst = out.data() + start;
  std::memcpy(dst, header, header_size);
  dst += header_size;
  for (std::size_t i = 0; i < payload.size(); ++i) {
    dst[i] = static_cast<char>(static_cast<unsigned char>(payload[i]) ^ key[i & 3]);
  }
}

decode_result decode_server_frame(const char* data, std::size_t size, std::size_t max_payload) {
  decode_result result{decode_status::need_more, 0, {}};
  if (size < 2) return result;
  const auto* bytes = reinterpret_cast<const unsigned char*>(data);
  const bool masked = (bytes[1] & 0x80u) != 0;
  if ((bytes[0] & 0x70u) != 0 || masked) {
    result.status = decode_status::protocol_error;
    return result;
  }
  std::uint64_t length = bytes[1] & 0x7Fu;
  std::size_t header_size = 2;
  if (length == 126) {
    if (size < 4) return result;
    length = (std::uint64_t{bytes[2]} << 8) | bytes[3];
    header_size = 4;
  } else if (length == 127) {
    if (size < 10) return result;
    length = 0;
    for (int i = 0; i < 8; ++i) length = (length << 8) | bytes[2 + i];
    header_size = 10;
  }
  if (length > max_payload) {
    result.status = decode_status::protocol_error;
    return result;
  }
  if (size - header_size < length) return result;
  result.status = decode_status::frame;
  result.consumed = header_size + static_cast<std::size_t>(length);
  result.frame.fin = (bytes[0] & 0x80u) != 0;
  result.frame.opcode = static_cast<opcode>(bytes[0] & 0x0Fu);
  result.frame.payload = std::string_view(data + header_size, static_cast<std::size_t>(length));
  return result;
}

}  // namespace whisper_bench
