#include "control_frame_limiter.hpp"

#include <algorithm>

namespace whisper_server::net {

namespace {
// As the consumer forgives RATE_LIMITED strikes of commands.
constexpr double strikes_forgiven_per_second = 1.0;
}  // namespace

control_frame_limiter::control_frame_limiter(double per_second, double burst,
                                             std::size_t max_strikes, clock::time_point now)
    : per_second_(per_second),
      burst_(burst),
      max_strikes_(max_strikes),
      tokens_(burst),
      refilled_(now) {}

control_frame_limiter::verdict control_frame_limiter::take(clock::time_point now) {
  if (per_second_ <= 0) return verdict::accept;
  if (now > refilled_) {
    const double elapsed = std::chrono::duration<double>(now - refilled_).count();
    tokens_ = std::min(burst_, tokens_ + elapsed * per_second_);
    strikes_ = std::max(0.0, strikes_ - elapsed * strikes_forgiven_per_second);
    refilled_ = now;
  }
  if (tokens_ >= 1.0) {
    tokens_ -= 1.0;
    return verdict::accept;
  }
  strikes_ += 1.0;
  return strikes_ >= static_cast<double>(max_strikes_) ? verdict::close : verdict::refuse;
}

}  // namespace whisper_server::net
