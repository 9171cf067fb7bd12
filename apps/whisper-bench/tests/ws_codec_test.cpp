#include "ws_codec.hpp"

#include <doctest/doctest.h>

#include <string>

using namespace whisper_bench;

namespace {

// Undoes the client framing the way a server does (RFC 6455 5.2/5.3).
struct unmasked {
  unsigned opcode;
  bool fin;
  bool masked;
  std::string payload;
};

unmasked unmask(const std::string& frame) {
  const auto* b = reinterpret_cast<const unsigned char*>(frame.data());
  unmasked out{b[0] & 0x0Fu, (b[0] & 0x80u) != 0, (b[1] & 0x80u) != 0, {}};
  std::uint64_t length = b[1] & 0x7Fu;
  std::size_t pos = 2;
  if (length == 126) {
    length = (std::uint64_t{b[2]} << 8) | b[3];
    pos = 4;
  } else if (length == 127) {
    length = 0;
    for (int i = 0; i < 8; ++i) length = (length << 8) | b[2 + i];
    pos = 10;
  }
  const unsigned char* key = b + pos;
  pos += 4;
  REQUIRE(frame.size() == pos + length);
  for (std::size_t i = 0; i < length; ++i) {
    out.payload += static_cast<char>(b[pos + i] ^ key[i % 4]);
  }
  return out;
}

std::string server_frame_bytes(unsigned first_byte, const std::string& payload) {
  std::string frame(1, static_cast<char>(first_byte));
  if (payload.size() < 126) {
    frame += static_cast<char>(payload.size());
  } else if (payload.size() <= 0xFFFF) {
    frame += static_cast<char>(126);
    frame += static_cast<char>(payload.size() >> 8);
    frame += static_cast<char>(payload.size() & 0xFF);
  } else {
    frame += static_cast<char>(127);
    for (int i = 7; i >= 0; --i) frame += static_cast<char>((payload.size() >> (8 * i)) & 0xFF);
  }
  return frame + payload;
}

}  // namespace

TEST_CASE("client frames are masked and unmask to the payload at all three length forms") {
  mask_source masks(42);
  for (std::size_t size : {0u, 5u, 125u, 126u, 65535u, 65536u, 70000u}) {
    std::string payload(size, 'a');
    for (std::size_t i = 0; i < size; ++i) payload[i] = static_cast<char>('a' + i % 26);
    std::string frame;
    append_client_frame(frame, opcode::text, payload, masks.next());
    unmasked decoded = unmask(frame);
    CHECK(decoded.masked);
    CHECK(decoded.fin);
    CHECK(decoded.opcode == 1u);
    CHECK(decoded.payload == payload);
  }
}

TEST_CASE("consecutive frames get different masks") {
  mask_source masks(7);
  std::uint32_t first = masks.next();
  int same = 0;
  for (int i = 0; i < 100; ++i) same += masks.next() == first ? 1 : 0;
  CHECK(same < 2);
}

TEST_CASE("appending keeps the frames already in the buffer") {
  mask_source masks(1);
  std::string out;
  append_client_frame(out, opcode::text, "one", masks.next());
  const std::size_t first_size = out.size();
  append_client_frame(out, opcode::pong, "two", masks.next());
  CHECK(unmask(out.substr(0, first_size)).payload == "one");
  unmasked second = unmask(out.substr(first_size));
  CHECK(second.payload == "two");
  CHECK(second.opcode == 0xAu);
}

TEST_CASE("several server frames in one buffer decode one after another") {
  std::string bytes = server_frame_bytes(0x81, "{\"a\":1}") + server_frame_bytes(0x89, "ping") +
                      server_frame_bytes(0x81, std::string(300, 'x')) +
                      server_frame_bytes(0x81, std::string(70000, 'y'));
  std::size_t pos = 0;
  std::vector<std::size_t> sizes;
  while (pos < bytes.size()) {
    decode_result r = decode_server_frame(bytes.data() + pos, bytes.size() - pos);
    REQUIRE(r.status == decode_status::frame);
    sizes.push_back(r.frame.payload.size());
    pos += r.consumed;
  }
  CHECK(sizes == std::vector<std::size_t>{7, 4, 300, 70000});
}

TEST_CASE("a frame cut anywhere asks for more bytes") {
  std::string frame = server_frame_bytes(0x81, std::string(300, 'z'));
  for (std::size_t cut = 0; cut < frame.size(); ++cut) {
    CHECK(decode_server_frame(frame.data(), cut).status == decode_status::need_more);
  }
  CHECK(decode_server_frame(frame.data(), frame.size()).status == decode_status::frame);
}

TEST_CASE("fin, opcode and payload of a server frame are reported") {
  std::string frame = server_frame_bytes(0x01, "part");  // text, not FIN
  decode_result r = decode_server_frame(frame.data(), frame.size());
  REQUIRE(r.status == decode_status::frame);
  CHECK_FALSE(r.frame.fin);
  CHECK(r.frame.opcode == opcode::text);
  CHECK(r.frame.payload == "part");
}

TEST_CASE("a masked server frame, reserved bits or an oversized payload are protocol errors") {
  std::string masked = server_frame_bytes(0x81, "ab");
  masked[1] = static_cast<char>(masked[1] | 0x80);
  CHECK(decode_server_frame(masked.data(), masked.size()).status == decode_status::protocol_error);
  std::string rsv = server_frame_bytes(0xC1, "ab");
  CHECK(decode_server_frame(rsv.data(), rsv.size()).status == decode_status::protocol_error);
  std::string big = server_frame_bytes(0x81, std::string(2000, 'q'));
  CHECK(decode_server_frame(big.data(), big.size(), 1000).status == decode_status::protocol_error);
}
