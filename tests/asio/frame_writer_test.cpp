#include "frame_writer.hpp"

#include <doctest/doctest.h>

#include <string>

#include "opcode.hpp"
#include "support/server_frames.hpp"
#include "utf8.hpp"

namespace net = whisper::net;

TEST_CASE("writer: small frames get a 2-byte unmasked header") {
  CHECK(whisper_test::server_frame(net::opcode::text, "hi") == std::string("\x81\x02hi", 4));
  CHECK(whisper_test::server_frame(net::opcode::pong, "") == std::string("\x8A\x00", 2));
}

TEST_CASE("writer: 126..65535 bytes use the 16-bit length, more the 64-bit length") {
  auto h125 = net::make_frame_header(net::opcode::text, 125);
  CHECK(h125.size == 2);
  CHECK(h125.bytes[1] == 125);
  auto h126 = net::make_frame_header(net::opcode::text, 126);
  CHECK(h126.size == 4);
  CHECK(h126.bytes[1] == 126);
  CHECK(h126.bytes[2] == 0);
  CHECK(h126.bytes[3] == 126);
  auto h65535 = net::make_frame_header(net::opcode::text, 65535);
  CHECK(h65535.size == 4);
  auto h65536 = net::make_frame_header(net::opcode::text, 65536);
  CHECK(h65536.size == 10);
  CHECK(h65536.bytes[1] == 127);
  CHECK(h65536.view() == std::string("\x81\x7F\x00\x00\x00\x00\x00\x01\x00\x00", 10));
}

TEST_CASE("writer: a close payload carries the code and a reason cut on a character") {
  CHECK(net::close_payload(1001, "going away") == std::string("\x03\xE9going away", 12));
  // 61 two-byte characters = 122 bytes, then one more: cutting at 123 bytes would split it.
  std::string reason;
  for (int i = 0; i < 62; ++i) reason += "\xC3\xA9";
  auto payload = net::close_payload(1000, reason);
  CHECK(payload.size() <= 125);
  CHECK(payload.size() == 2 + 122);
  CHECK(net::valid_utf8(payload.substr(2)));
}
