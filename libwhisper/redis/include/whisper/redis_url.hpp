// Where Redis is and how whisper talks to it: the redis:// URL and the options shared by
// the Redis channel layer and the Redis presence.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <string>
#include <string_view>

namespace whisper {

/// A parsed redis://[[user]:password@]host[:port][/db] URL.
///
/// Thread safety: plain value type; distinct objects safe, a shared object is safe for
/// concurrent reads.
struct redis_url {
  std::string host = "127.0.0.1";
  int port = 6379;
  int db = 0;
  std::string username;  ///< empty: the default user (AUTH <password> only)
  std::string password;  ///< percent-decoded; empty: no AUTH

  /// The URL with the password replaced by "***": safe for logs and error messages.
  std::string to_string() const;
};

/// Parses a Redis URL. Accepts "redis://" followed by an optional
/// "[user]:password@", a host (a name, an IPv4 address or a bracketed IPv6 address),
/// an optional ":port" and an optional "/db". Missing parts default to
/// 127.0.0.1:6379/0; the password is percent-decoded. An empty string means the default.
/// Throws std::invalid_argument with one clear sentence (never containing the password)
/// when the text is not such a URL.
redis_url parse_redis_url(std::string_view text);

/// Log levels of redis_options::log (the numbers match spdlog's levels).
namespace redis_log_level {
inline constexpr int debug = 1;
inline constexpr int info = 2;
inline constexpr int warn = 3;
inline constexpr int error = 4;
}  // namespace redis_log_level

/// Options of redis_channel_layer and redis_presence.
///
/// Thread safety: plain value type.
struct redis_options {
  /// Where Redis is; the original's CHANNEL_LAYERS pointed at localhost:6379.
  std::string url = "redis://127.0.0.1:6379/0";
  /// Prefix of every key, channel and group name, so several deployments can share one
  /// Redis.
  std::string prefix = "whisper";
  /// How long one connection attempt may take before it counts as failed.
  std::chrono::milliseconds connect_timeout{2000};
  /// Reconnect delays grow exponentially from min to max (with jitter) while Redis is
  /// unreachable: short enough to heal a blip quickly, long enough not to hammer Redis.
  std::chrono::milliseconds reconnect_backoff_min{100};
  std::chrono::milliseconds reconnect_backoff_max{5000};
  /// PUBLISHes sent but not yet answered, at most: a Redis that hangs without closing
  /// the connection must not grow this process's memory; beyond the bound, publishes are
  /// dropped and counted as failures (local delivery is unaffected).
  std::size_t max_pending_publishes = 10000;
  /// Health check of every connection (redis-py's health_check_interval, Sentinel's
  /// down-after-milliseconds): a Redis that hangs (stopped, or behind a network black
  /// hole) keeps its TCP connections open, so only silence reveals it. A connection
  /// that heard nothing from Redis for health_check_interval is sent a probe (PING; a
  /// repeated SUBSCRIBE on the subscriber connection), and one whose oldest command or
  /// probe has waited health_check_timeout for an answer is closed, counted, logged,
  /// and reconnected with backoff like a lost one. Either set to 0: no health check.
  std::chrono::milliseconds health_check_interval{5000};
  std::chrono::milliseconds health_check_timeout{5000};
  /// false: start() throws when Redis cannot be reached (an operator error should stop
  /// the program with a clear sentence). true: start() returns and keeps retrying.
  bool retry_on_start = false;
  /// Optional log sink (libwhisper has no logging dependency). Called on the thread
  /// running the io_context; must not block. level: see redis_log_level.
  std::function<void(int level, std::string_view text)> log;
};

}  // namespace whisper
