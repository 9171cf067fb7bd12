// The token bucket with strikes (see rate_limiter.hpp).
#include "whisper/rate_limiter.hpp"

#include <algorithm>

namespace whisper {

namespace {
// One strike is forgiven per this much time.
constexpr rate_limiter::clock::duration strike_forgiven_after = std::chrono::seconds(1);
}  // namespace

rate_limiter::rate_limiter(const limits& rules, clock::time_point now)
    : rules_(&rules), tokens_(rules.command_burst), refilled_(now), strikes_since_(now) {}

rate_limiter::verdict rate_limiter::take(clock::time_point now) {
  const double per_second = rules_->commands_per_second;
  if (per_second <= 0) return verdict::accept;
  if (now > refilled_) {
    const double elapsed = std::chrono::duration<double>(now - refilled_).count();
    tokens_ = std::min(rules_->command_burst, tokens_ + elapsed * per_second);
    refilled_ = now;
  }
  if (strikes_ > 0 && now - strikes_since_ >= strike_forgiven_after) {
    const auto periods = static_cast<std::uint64_t>((now - strikes_since_) / strike_forgiven_after);
    strikes_ = periods >= strikes_ ? 0 : static_cast<std::uint32_t>(strikes_ - periods);
    strikes_since_ += strike_forgiven_after * static_cast<clock::rep>(periods);
  }
  if (tokens_ >= 1.0) {
    tokens_ -= 1.0;
    return verdict::accept;
  }
  if (strikes_ == 0) strikes_since_ = now;  // the first strike: forgiveness counts from now
  if (strikes_ < UINT32_MAX) ++strikes_;
  return strikes_ >= rules_->rate_limit_strikes ? verdict::close : verdict::refuse;
}

}  // namespace whisper
