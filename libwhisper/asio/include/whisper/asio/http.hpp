// The HTTP surface the transport hands to the embedder (whisper-server's site): one parsed request
// in (whisper::request, the core's type: the transport parses its cookies once), one
// response out. Everything that is not the chat WebSocket upgrade goes through here.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "whisper/request.hpp"

namespace whisper::net {

/// The handler's answer. The transport adds Content-Length, Connection, Date and Server.
///
/// Thread safety: plain value type.
struct http_response {
  int status = 200;
  std::vector<std::pair<std::string, std::string>> headers;  // may repeat (Set-Cookie)
  std::string body;
};

/// Call exactly once, from ANY thread (e.g. after Argon2 on a worker pool). If the
/// connection died meanwhile the response is dropped safely.
using http_responder = std::function<void(http_response)>;
/// Called on the connection's io thread for every non-upgrade request.
using http_handler = std::function<void(whisper::request&& request, http_responder respond)>;

// The helpers below are pure functions (thread-safe).

/// The standard reason phrase of a status code ("Not Found"), or "Unknown".
std::string_view reason_phrase(int status);

}  // namespace whisper::net
