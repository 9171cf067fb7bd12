// A small blocking client on a raw TCP socket for the server tests: writes HTTP requests
// and masked frames byte by byte as a test wants them, and reads server frames. Every
// read has a deadline, so a broken server fails a test instead of hanging it.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "client_frames.hpp"

namespace whisper_test {

using namespace std::chrono_literals;

/// One frame from the server.
struct server_frame {
  std::uint8_t opcode = 0;
  bool fin = true;
  std::string payload;
  /// The status code of a close frame (1005 when it has none).
  int close_code() const;
};

/// A parsed HTTP response.
struct http_reply {
  int status = 0;
  std::string head;  // status line and headers
  std::string body;
  bool has_header(std::string_view line) const;  // e.g. "Connection: close"
};

/// Takes one complete HTTP reply off the front of `buffer`, or nothing (and takes nothing)
/// while it has not fully arrived. Shared by the plain and the TLS test client.
std::optional<http_reply> take_http_reply(std::string& buffer);
/// The same for one (unmasked) server frame.
std::optional<server_frame> take_server_frame(std::string& buffer);

/// Thread safety: one thread per object.
class ws_test_client {
 public:
  /// Connects to 127.0.0.1:port. `receive_buffer` > 0 shrinks SO_RCVBUF (a slow reader).
  explicit ws_test_client(std::uint16_t port, int receive_buffer = 0);
  ~ws_test_client();
  ws_test_client(const ws_test_client&) = delete;
  ws_test_client& operator=(const ws_test_client&) = delete;

  /// Sends a WebSocket upgrade and reads the answer head (status 101 on success; the
  /// body too otherwise). `extra_headers`: complete lines, each ending in "\r\n".
  http_reply upgrade(std::string_view cookie, std::string_view extra_headers = {},
                     std::string_view path = "/chat/stream/");
  /// Sends raw bytes and reads one response (head, and a Content-Length body).
  http_reply request(std::string_view raw, std::chrono::milliseconds timeout = 5s);
  std::optional<http_reply> read_reply(std::chrono::milliseconds timeout = 5s);

  void send_raw(std::string_view bytes);
  void send_text(std::string_view text) { send_raw(client_frame(0x1, text)); }
  void send_frame(std::uint8_t op, std::string_view payload,
                  const client_frame_options& options = {}) {
    send_raw(client_frame(op, payload, options));
  }

  /// The next frame, or nullopt on timeout or end of stream.
  std::optional<server_frame> read_frame(std::chrono::milliseconds timeout = 5s);
  /// The next text frame whose payload contains `needle` (others are skipped).
  std::optional<std::string> read_text_containing(std::string_view needle,
                                                  std::chrono::milliseconds timeout = 5s);
  /// Reads until a close frame (its code) or the end of the stream (1006) or timeout (0).
  int read_close_code(std::chrono::milliseconds timeout = 5s);
  /// True once the server has closed the TCP connection (EOF or reset) within timeout.
  bool wait_disconnected(std::chrono::milliseconds timeout = 5s);
  /// Frees the client's own read buffer (so memory tests measure the server).
  void release_buffer() { std::string().swap(buffer_); }

 private:
  // Reads more bytes into buffer_ before the deadline; false on timeout or end of stream.
  bool fill(std::chrono::steady_clock::time_point deadline);

  int fd_ = -1;
  std::string buffer_;
  bool eof_ = false;
};

}  // namespace whisper_test
