// The token bucket with strikes (see rate_limiter.hpp).
#include "whisper/rate_limiter.hpp"

#include <algorithm>

namespace whisper {

namespace {
// One strike is forgiven per this much time.
constexpr rate_limiter::clock::duration strike_forgiven_after = std::chrono::seconds(1);
}  // namespace

rate_limiter::rate_limiter(double per_second, double burst, std::size_t max_strikes,
                           clock::time_point now)
    : per_second_(per_second),
      burst_(burst),
      max_strikes_(max_strikes),
      tokens_(burst),
      refilled_(now),
      strikes_since_(now) {}

rate_limiter::verdict rate_limiter::take(clock::time_point now) {
  if (per_second_ <= 0) return verdict::accept;
  if (now > refilled_) {
    const double elapsed = std::chrono::duration<double>(now - refilled_).count();
    tokens_ = std::min(burst_, tokens_ + elapsed * per_second_);
    refilled_ = now;
  }
  if (strikes_ > 0 && now - strikes_since_ >= strike_forgiven_after) {
    const auto periods = static_cast<std::size_t>((now - strikes_since_) / strike_forgiven_after);
    strikes_ = periods >= strikes_ ? 0 : strikes_ - periods;
    strikes_since_ += strike_forgiven_after * static_cast<clock::rep>(periods);
  }
  if (tokens_ >= 1.0) {
    tokens_ -= 1.0;
    return verdict::accept;
  }
  if (strikes_ == 0) strikes_since_ = now;  // the first strike: forgiveness counts from now
  return ++strikes_ >= max_strikes_ ? verdict::close : verdict::refuse;
}

}  // namespace whisper
