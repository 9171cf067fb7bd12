// The rate limit on the WebSocket control frames a client sends (ping, pong). Commands
// are limited by the consumer's token bucket; control frames never reach the consumer,
// so without this a client could make the server answer pings as fast as it can send
// them. Same limits, same outcome: too many refusals and the connection is closed.
#pragma once

#include <chrono>
#include <cstddef>

namespace whisper_server::net {

/// Token bucket (`per_second` steady rate, `burst` at most) with strikes, counted as the
/// consumer counts them for commands: each refused frame adds a strike, strikes are
/// forgiven at one per second (time, not an accepted frame, forgives them), and reaching
/// `max_strikes` means "close". So a client that keeps sending faster than the rate is
/// closed even though some of its frames get through; one that sometimes bursts past
/// the limit is not.
///
/// Thread safety: distinct objects safe; a shared object unsafe (one connection's
/// io thread uses it).
class control_frame_limiter {
 public:
  using clock = std::chrono::steady_clock;
  enum class verdict {
    accept,  ///< within the limit: handle the frame
    refuse,  ///< over the limit: ignore the frame (a ping gets no pong)
    close,   ///< refused too often: close the connection (1008)
  };

  /// `per_second` <= 0 switches the limit off (every frame is accepted), as for commands.
  control_frame_limiter(double per_second, double burst, std::size_t max_strikes,
                        clock::time_point now);

  /// Takes one frame's token at `now` (never earlier than the previous call's).
  verdict take(clock::time_point now);

 private:
  double per_second_;
  double burst_;
  std::size_t max_strikes_;
  double tokens_;  // starts full: a new connection may burst
  clock::time_point refilled_;
  double strikes_ = 0;  // refusals not yet forgiven
};

}  // namespace whisper_server::net
