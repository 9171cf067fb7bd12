#include "http_upgrade.hpp"

#include <doctest/doctest.h>

using namespace whisper_bench;

TEST_CASE("the upgrade request carries the cookie and no Origin") {
  std::string request = build_upgrade_request("127.0.0.1", 8000, "/chat/stream/", "sessionid=x1");
  CHECK(request.rfind("GET /chat/stream/ HTTP/1.1\r\n", 0) == 0);
  CHECK(request.find("Host: 127.0.0.1:8000\r\n") != std::string::npos);
  CHECK(request.find("Upgrade: websocket\r\n") != std::string::npos);
  CHECK(request.find("Sec-WebSocket-Version: 13\r\n") != std::string::npos);
  CHECK(request.find("Cookie: sessionid=x1\r\n") != std::string::npos);
  CHECK(request.find("Origin") == std::string::npos);
  CHECK(request.substr(request.size() - 4) == "\r\n\r\n");
}

TEST_CASE("a response is incomplete until the blank line") {
  CHECK_FALSE(parse_upgrade_response("HTTP/1.1 101 Switching Protocols\r\nUpgrade: web").complete);
}

TEST_CASE("status and header size are found, frames after the headers are left alone") {
  std::string response = "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\n";
  upgrade_response r = parse_upgrade_response(response + "\x81\x02hi");
  CHECK(r.complete);
  CHECK(r.status == 101);
  CHECK(r.header_size == response.size());
}

TEST_CASE("a refused upgrade reports its status") {
  CHECK(parse_upgrade_response("HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n").status ==
        403);
}

TEST_CASE("garbage instead of a status line gives status 0") {
  CHECK(parse_upgrade_response("SSH-2.0-OpenSSH\r\n\r\n").status == 0);
  CHECK(parse_upgrade_response("HTTP/1.1 1x1 Odd\r\n\r\n").status == 0);
}
