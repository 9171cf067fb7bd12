#include "connection_health.hpp"

#include <algorithm>

namespace whisper::redis_detail {

connection_health::connection_health(std::chrono::milliseconds interval,
                                     std::chrono::milliseconds timeout, clock::time_point now)
    : enabled_(interval.count() > 0 && timeout.count() > 0),
      interval_(interval),
      timeout_(timeout),
      last_heard_(now),
      last_probe_(now) {}

void connection_health::sent(clock::time_point now) {
  if (waiting_++ == 0) oldest_waiting_since_ = now;
}

void connection_health::received(clock::time_point now, bool answers_a_command) {
  last_heard_ = now;
  if (answers_a_command && waiting_ > 0) --waiting_;
  // Redis answers in order, so whatever still waits is now at the head of the queue;
  // and any traffic proves Redis is alive and reading, so its wait starts now.
  if (waiting_ > 0) oldest_waiting_since_ = now;
}

connection_health::verdict connection_health::check(clock::time_point now) const {
  if (!enabled_) return verdict::healthy;
  if (waiting_ > 0 && now - oldest_waiting_since_ >= timeout_) return verdict::dead;
  // One probe per interval of silence: a hung Redis gets a few, never a flood.
  if (now - std::max(last_heard_, last_probe_) >= interval_) return verdict::ping_now;
  return verdict::healthy;
}

std::chrono::milliseconds connection_health::check_every() const {
  return std::max(std::chrono::milliseconds(10), std::min(interval_, timeout_) / 4);
}

}  // namespace whisper::redis_detail
