#include "support/ws_test_client.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <stdexcept>

namespace whisper_test {

namespace {

int remaining_ms(std::chrono::steady_clock::time_point deadline) {
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
      deadline - std::chrono::steady_clock::now());
  return left.count() > 0 ? static_cast<int>(left.count()) : 0;
}

}  // namespace

int server_frame::close_code() const {
  if (payload.size() < 2) return 1005;
  return (static_cast<std::uint8_t>(payload[0]) << 8) | static_cast<std::uint8_t>(payload[1]);
}

bool http_reply::has_header(std::string_view line) const {
  return head.find(std::string(line) + "\r\n") != std::string::npos;
}

std::optional<http_reply> take_http_reply(std::string& buffer) {
  const std::size_t end = buffer.find("\r\n\r\n");
  if (end == std::string::npos) return std::nullopt;
  http_reply reply;
  reply.head = buffer.substr(0, end + 2);
  reply.status = std::atoi(reply.head.c_str() + 9);  // after "HTTP/1.1 "
  std::size_t length = 0;
  const auto at = reply.head.find("Content-Length: ");
  if (at != std::string::npos) length = std::strtoul(reply.head.c_str() + at + 16, nullptr, 10);
  if (buffer.size() < end + 4 + length) return std::nullopt;  // the body is still coming
  reply.body = buffer.substr(end + 4, length);
  buffer.erase(0, end + 4 + length);
  return reply;
}

std::optional<server_frame> take_server_frame(std::string& buffer) {
  if (buffer.size() < 2) return std::nullopt;
  const auto b0 = static_cast<std::uint8_t>(buffer[0]);
  std::uint64_t length = static_cast<std::uint8_t>(buffer[1]) & 0x7F;
  const std::size_t header = length == 127 ? 10 : length == 126 ? 4 : 2;
  if (buffer.size() < header) return std::nullopt;
  if (header > 2) length = 0;
  for (std::size_t i = 2; i < header; ++i) {
    length = (length << 8) | static_cast<std::uint8_t>(buffer[i]);
  }
  if (buffer.size() < header + length) return std::nullopt;
  server_frame frame;
  frame.opcode = b0 & 0x0F;
  frame.fin = (b0 & 0x80) != 0;
  frame.payload = buffer.substr(header, static_cast<std::size_t>(length));
  buffer.erase(0, header + static_cast<std::size_t>(length));
  return frame;
}

ws_test_client::ws_test_client(std::uint16_t port, int receive_buffer) {
  fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd_ < 0) throw std::runtime_error("socket() failed");
  if (receive_buffer > 0) {
    // Before connect, so the window advertised to the server stays small.
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVBUF, &receive_buffer, sizeof receive_buffer);
  }
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
    ::close(fd_);
    throw std::runtime_error("connect() failed");
  }
  const int one = 1;
  ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
}

ws_test_client::~ws_test_client() {
  if (fd_ >= 0) ::close(fd_);
}

void ws_test_client::send_raw(std::string_view bytes) {
  while (!bytes.empty()) {
    const ssize_t n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (n < 0) {
      if (errno == EINTR) continue;
      return;  // the server closed: the test's reads will tell
    }
    bytes.remove_prefix(static_cast<std::size_t>(n));
  }
}

bool ws_test_client::fill(std::chrono::steady_clock::time_point deadline) {
  if (eof_) return false;
  pollfd p{fd_, POLLIN, 0};
  const int ready = ::poll(&p, 1, remaining_ms(deadline));
  if (ready <= 0) return false;
  char chunk[16384];
  const ssize_t n = ::recv(fd_, chunk, sizeof chunk, 0);
  if (n <= 0) {
    eof_ = true;
    return false;
  }
  buffer_.append(chunk, static_cast<std::size_t>(n));
  return true;
}

std::optional<http_reply> ws_test_client::read_reply(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    if (auto reply = take_http_reply(buffer_)) return reply;
    if (!fill(deadline)) return std::nullopt;
  }
}

http_reply ws_test_client::request(std::string_view raw, std::chrono::milliseconds timeout) {
  send_raw(raw);
  return read_reply(timeout).value_or(http_reply{});
}

http_reply ws_test_client::upgrade(std::string_view cookie, std::string_view extra_headers,
                                   std::string_view path) {
  std::string text = "GET " + std::string(path) +
                     " HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
                     "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                     "Sec-WebSocket-Version: 13\r\n";
  if (!cookie.empty()) text += "Cookie: " + std::string(cookie) + "\r\n";
  text += extra_headers;
  text += "\r\n";
  return request(text);
}

std::optional<server_frame> ws_test_client::read_frame(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    if (auto frame = take_server_frame(buffer_)) return frame;
    if (!fill(deadline)) return std::nullopt;
  }
}

std::optional<std::string> ws_test_client::read_text_containing(std::string_view needle,
                                                                std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (auto frame = read_frame(std::chrono::milliseconds(remaining_ms(deadline)))) {
    if (frame->opcode == 0x1 && frame->payload.find(needle) != std::string::npos) {
      return frame->payload;
    }
  }
  return std::nullopt;
}

int ws_test_client::read_close_code(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (auto frame = read_frame(std::chrono::milliseconds(remaining_ms(deadline)))) {
    if (frame->opcode == 0x8) return frame->close_code();
  }
  return eof_ ? 1006 : 0;
}

bool ws_test_client::wait_disconnected(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!eof_) {
    buffer_.clear();  // discard: only the end of the stream matters here
    if (!fill(deadline) && !eof_) return false;
  }
  return true;
}

}  // namespace whisper_test
