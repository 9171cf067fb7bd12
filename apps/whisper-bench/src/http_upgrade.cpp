#include "http_upgrade.hpp"

namespace whisper_bench {

std::string build_upgrade_request(std::string_view host, int port, std::string_view path,
                                  std::string_view cookie) {
  std::string request;
  request.reserve(256 + cookie.size());
  request.append("GET ").append(path).append(" HTTP/1.1\r\n");
  request.append("Host: ").append(host).append(":").append(std::to_string(port)).append("\r\n");
  request.append(
      "Upgrade: websocket\r\n"
      "Connection: Upgrade\r\n"
      "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
      "Sec-WebSocket-Version: 13\r\n");
  if (!cookie.empty()) request.append("Cookie: ").append(cookie).append("\r\n");
  request.append("\r\n");
  return request;
}

upgrade_response parse_upgrade_response(std::string_view received) {
  upgrade_response response;
  auto end = received.find("\r\n\r\n");
  if (end == std::string_view::npos) return response;
  response.complete = true;
  response.header_size = end + 4;
  // "HTTP/1.1 101 Switching Protocols": three digits after the first space.
  auto space = received.find(' ');
  if (received.substr(0, 5) != "HTTP/" || space == std::string_view::npos ||
      space + 4 > received.size()) {
    return response;
  }
  int status = 0;
  for (std::size_t i = space + 1; i < space + 4; ++i) {
    char c = received[i];
    if (c < '0' || c > '9') return response;
    status = status * 10 + (c - '0');
  }
  response.status = status;
  return response;
}

}  // namespace whisper_bench
