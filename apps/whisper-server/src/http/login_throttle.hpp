// Failed-login throttling per username and per client IP: after too many failures in
// a minute further attempts are refused before any Argon2 work is done.
#pragma once

#include <chrono>
#include <cstddef>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

namespace whisper_server {

/// Sliding-window failure counts (the last minute) for two kinds of key.
///
/// Memory is bounded: keys are cut to max_key_bytes (longer names cannot be real
/// usernames, and a form may carry 64 KiB), each key keeps at most its limit of
/// timestamps, keys whose failures all left the window are pruned, and each map holds
/// at most `max_keys` keys; when a map is full of live keys the one whose last failure
/// is oldest is forgotten (an attacker flooding usernames still meets the per-IP limit).
///
/// Thread safety: every member may be called concurrently (one internal mutex; the
/// login path is rare next to chat traffic and is never on the message path).
class login_throttle {
 public:
  using clock = std::chrono::steady_clock;

  /// 0 disables a limit.
  login_throttle(std::size_t per_username, std::size_t per_ip, std::size_t max_keys = 10000,
                 std::chrono::seconds window = std::chrono::seconds(60));

  /// False if `username` or `ip` already had its limit of failures within the window.
  bool allowed(const std::string& username, const std::string& ip, clock::time_point now);
  /// Records one failed attempt against both keys.
  void record_failure(const std::string& username, const std::string& ip, clock::time_point now);
  /// A successful login clears the username's failures (not the IP's: one known
  /// password must not reset an address that is guessing others).
  void record_success(const std::string& username);

  static constexpr std::size_t max_key_bytes = 256;

  /// Keys currently remembered (both maps), for tests.
  std::size_t size() const;

 private:
  // Oldest first; at most `limit` entries, so a vector is small and cheap to shift.
  using failures = std::vector<clock::time_point>;
  struct counter_map {
    std::size_t limit;
    std::unordered_map<std::string, failures> keys;
  };

  bool over_limit(counter_map& map, const std::string& key, clock::time_point now);
  void add(counter_map& map, const std::string& key, clock::time_point now);
  void prune(counter_map& map, clock::time_point now);

  const std::size_t max_keys_;
  const std::chrono::seconds window_;
  mutable std::mutex mutex_;
  counter_map by_username_;
  counter_map by_ip_;
};

}  // namespace whisper_server
