// The rate limit on what one client sends: a token bucket, and strikes that close a
// client that keeps sending past it. The consumer limits commands with it; a transport
// limits what never reaches the consumer (WebSocket pings and pongs) with another.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>

#include "whisper/limits.hpp"

namespace whisper {

/// Token bucket (limits::commands_per_second steady rate, limits::command_burst at most,
/// full at the start) with
/// strikes: each refused item adds one, and strikes are forgiven one per second of time,
/// never by an accepted item. So a client that keeps sending faster than the rate is
/// closed even though some of its items get through, and one that bursts past the limit
/// now and then is not. Strikes are whole: N refusals in quick succession are N strikes;
/// limits::rate_limit_strikes of them close. It reads the limits it was given (one
/// struct for every connection: a limiter is 40 bytes of state).
///
/// Thread safety: distinct objects safe; a shared object unsafe (one connection's
/// reading thread uses it).
class rate_limiter {
 public:
  using clock = std::chrono::steady_clock;
  enum class verdict {
    accept,  ///< within the limit: handle the item
    refuse,  ///< over the limit: drop it (and tell the client if the protocol can)
    close,   ///< refused rate_limit_strikes times not yet forgiven: close the connection
  };

  /// `rules` must outlive the limiter; commands_per_second <= 0 switches the limit off.
  rate_limiter(const limits& rules, clock::time_point now);

  /// Takes one item's token at `now` (not earlier than the previous call's).
  verdict take(clock::time_point now);

 private:
  const limits* rules_;
  double tokens_;
  clock::time_point refilled_;
  clock::time_point strikes_since_;  // forgiveness is counted from here
  std::uint32_t strikes_ = 0;        // refusals not yet forgiven
};

}  // namespace whisper
