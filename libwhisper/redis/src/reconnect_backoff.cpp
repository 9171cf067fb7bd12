#include "reconnect_backoff.hpp"

#include <algorithm>

namespace whisper::redis_detail {

std::chrono::milliseconds reconnect_delay(int attempt, std::chrono::milliseconds min,
                                          std::chrono::milliseconds max, double jitter) {
  if (min.count() < 1) min = std::chrono::milliseconds(1);
  if (max < min) max = min;
  // Doubling stops once the cap is reached, so a long outage cannot overflow.
  long long base = min.count();
  for (int i = 0; i < attempt && base < max.count(); ++i) base *= 2;
  base = std::min(base, static_cast<long long>(max.count()));
  jitter = std::clamp(jitter, 0.0, 1.0);
  const auto half = static_cast<double>(base) / 2.0;
  const auto delay = static_cast<long long>(half + jitter * half);
  return std::chrono::milliseconds(
      std::clamp(delay, static_cast<long long>(min.count()), static_cast<long long>(max.count())));
}

}  // namespace whisper::redis_detail
