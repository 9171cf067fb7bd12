// At most one log line per second for each kind of event a client can trigger at will
// (refused requests and upgrades): a flood of refusals must not become a flood of log.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>

namespace whisper::net {

/// Decides which events of a kind get a log line: the first, then at most one a second,
/// telling how many were left unlogged in between.
///
/// Thread safety: admit() may be called from any thread (one mutex; it is taken only
/// on refusals, which are rare next to the requests served).
class log_rate_limit {
 public:
  using clock = std::chrono::steady_clock;

  /// The number of events of `kind` not logged since the last line, when this one
  /// should be logged; nullopt when it should not.
  std::optional<std::uint64_t> admit(int kind, clock::time_point now = clock::now()) {
    std::lock_guard<std::mutex> lock(mutex_);
    auto [it, fresh] = kinds_.try_emplace(kind);
    state& s = it->second;
    if (!fresh && now - s.last_logged < std::chrono::seconds(1)) {
      ++s.suppressed;
      return std::nullopt;
    }
    s.last_logged = now;
    const std::uint64_t suppressed = s.suppressed;
    s.suppressed = 0;
    return suppressed;
  }

 private:
  struct state {
    clock::time_point last_logged{};
    std::uint64_t suppressed = 0;
  };
  std::mutex mutex_;
  std::map<int, state> kinds_;
};

}  // namespace whisper::net
