// When to PING a Redis connection and when to give up on it: a pure class over
// timestamps, so the policy is tested without a clock, a socket or a paused Redis.
// A Redis that hangs (SIGSTOP, a network black hole) keeps the TCP connection open, so
// only silence tells it apart from a quiet one.
#pragma once

#include <chrono>
#include <cstddef>

namespace whisper::redis_detail {

/// Tracks one connection's traffic. "ping_now" once nothing was heard from Redis (and
/// no probe sent) for `interval`; "dead" once the oldest command still waiting has had
/// no answer for `timeout`. Replies arrive in command order, so the oldest waiting
/// command has been waiting since it was sent or since the reply before it, whichever
/// came later: no per-command timestamps are needed.
///
/// Thread safety: plain value type; one thread (the connection's strand).
class connection_health {
 public:
  using clock = std::chrono::steady_clock;
  enum class verdict { healthy, ping_now, dead };

  /// Disabled: check() always answers healthy.
  connection_health() = default;
  /// Disabled when `interval` or `timeout` is zero or negative. `now`: when the
  /// connection was established (it counts as heard from).
  connection_health(std::chrono::milliseconds interval, std::chrono::milliseconds timeout,
                    clock::time_point now);

  bool enabled() const { return enabled_; }
  /// A command that Redis will answer was sent.
  void sent(clock::time_point now);
  /// A health-check probe was sent (call sent() for it as well).
  void probed(clock::time_point now) { last_probe_ = now; }
  /// Redis sent something: the answer to the oldest waiting command when
  /// `answers_a_command`, otherwise unsolicited traffic (a pub/sub message). Either
  /// proves Redis is alive right now.
  void received(clock::time_point now, bool answers_a_command);

  verdict check(clock::time_point now) const;
  /// Commands sent and not answered yet.
  std::size_t waiting() const { return waiting_; }
  /// How often the owner should call check(): often enough that a verdict is at most a
  /// quarter of the shorter period late, rarely enough to cost nothing.
  std::chrono::milliseconds check_every() const;

 private:
  bool enabled_ = false;
  std::chrono::milliseconds interval_{0};
  std::chrono::milliseconds timeout_{0};
  std::size_t waiting_ = 0;
  clock::time_point oldest_waiting_since_{};
  clock::time_point last_heard_{};
  clock::time_point last_probe_{};
};

}  // namespace whisper::redis_detail
