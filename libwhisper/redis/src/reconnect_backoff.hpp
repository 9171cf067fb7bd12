// The reconnect schedule: a pure function, so it is tested without a clock or a socket.
#pragma once

#include <chrono>

namespace whisper::redis_detail {

/// The delay before reconnect attempt `attempt` (0 for the first retry): min * 2^attempt,
/// capped at max, then "equal jitter" — a value in [base/2, base] picked by `jitter`
/// (0..1) — so processes that lost Redis together do not all come back in the same
/// millisecond. Never below min, never above max.
std::chrono::milliseconds reconnect_delay(int attempt, std::chrono::milliseconds min,
                                          std::chrono::milliseconds max, double jitter);

}  // namespace whisper::redis_detail
