// Every limit in one place, with its default and why. The server's config file fills
// this same struct (docs/configuration.md lists the keys).
#pragma once

#include <chrono>
#include <cstddef>

namespace whisper {

/// Limits applied per connection. Plain aggregate; copy it freely.
///
/// Thread safety: distinct objects safe; a shared object is safe for concurrent reads.
struct limits {
  /// Largest inbound frame; bigger closes the connection with 1009. Chat commands are
  /// small: 64 KiB leaves room for long messages and JSON escaping.
  std::size_t max_frame_bytes = std::size_t{64} * 1024;
  /// Longest `message` in a `send`, in bytes of UTF-8: MESSAGE_TOO_LONG above.
  std::size_t max_message_bytes = 4096;
  /// Deepest JSON nesting accepted in a command (commands are flat objects).
  std::size_t max_json_depth = 8;
  /// Rooms one connection may be in at once (ROOM_ACCESS_DENIED past it... see consumer).
  std::size_t max_rooms_per_connection = 100;
  /// Open WebSocket connections one user may hold at once (tabs, devices); further
  /// upgrades are refused with HTTP 429. 0: no limit.
  std::size_t max_connections_per_user = 64;
  /// Open connections (HTTP and WebSocket) from one IP address; further ones are refused
  /// (HTTP 429, or closed before the request when over). Bounds what one host can hold
  /// open. 0: no limit. Load tests from one machine raise it.
  std::size_t max_connections_per_ip = 1024;
  /// Token bucket for commands: steady rate and burst. RATE_LIMITED when empty.
  double commands_per_second = 20.0;
  double command_burst = 40.0;
  /// RATE_LIMITED replies after which the connection is closed with 1008. Strikes are
  /// forgiven at one per second, not by the next accepted command: a client that keeps
  /// sending faster than the rate (so that most of its commands are refused) is closed,
  /// while one that bursts now and then is not.
  std::size_t rate_limit_strikes = 50;
  /// Bound of each connection's outbound queue in bytes: a reader that falls this far
  /// behind is disconnected (1013) rather than growing server memory without limit.
  std::size_t outbound_queue_bytes = std::size_t{1024} * 1024;
  /// Bound of each connection's outbound queue in frames (small frames cost overhead too).
  std::size_t outbound_queue_frames = 4096;
  /// How long a presence entry stays listed after its last update: 1 h, as in protocol.md
  /// (installed as share/doc/whisper/protocol.md).
  std::chrono::seconds presence_timeout{3600};
  /// A TCP connection that has not completed its HTTP request/upgrade by then is dropped.
  std::chrono::seconds handshake_timeout{10};
  /// Idle WebSocket: a ping is sent after this long without traffic; no pong within the
  /// same period again closes the connection (dead peers are found and removed).
  std::chrono::seconds idle_timeout{60};
};

}  // namespace whisper
