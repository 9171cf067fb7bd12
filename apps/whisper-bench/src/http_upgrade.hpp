// The HTTP/1.1 WebSocket upgrade, client side, sans-IO: build the request and
// recognise the end and the status of the server's response.
//
// Thread safety: pure functions.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace whisper_bench {

// A GET upgrade for `path` carrying the session cookie and no Origin header (the
// bench is not a browser; the server only checks Origin when one is sent).
std::string build_upgrade_request(std::string_view host, int port, std::string_view path,
                                  std::string_view cookie);

struct upgrade_response {
  bool complete = false;        // the blank line ending the headers has arrived
  std::size_t header_size = 0;  // bytes up to and including that blank line
  int status = 0;               // the HTTP status code, 0 if the status line is malformed
};

// Looks at the bytes received so far. Bytes after header_size are WebSocket frames.
upgrade_response parse_upgrade_response(std::string_view received);

}  // namespace whisper_bench
