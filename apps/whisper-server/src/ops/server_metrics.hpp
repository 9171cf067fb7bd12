// What GET /metrics reports: the app's own counters plus pointers to the counters the
// library, the transport and the Redis layer keep. Rendered in the Prometheus text
// exposition format (version 0.0.4).
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <string>

#include "net_namespace.hpp"
#include "ops/access_log.hpp"
#include "whisper/asio/latency_histogram.hpp"

namespace whisper {
class chat_hub;
class room_directory;
struct redis_layer_stats;
}  // namespace whisper

namespace whisper::net {
struct server_stats;
}  // namespace whisper::net

namespace whisper_server {
namespace net = whisper::net;

/// The app's counters and where the other counters live.
///
/// Thread safety: the counters are relaxed atomics, updated from any thread. The
/// `transport` pointer is published once, after the server object exists (it is made
/// after the HTTP handler that reports it); the other pointers are set before serving.
struct server_metrics {
  std::atomic<std::uint64_t> logins_ok{0};
  std::atomic<std::uint64_t> logins_failed{0};
  std::atomic<std::uint64_t> logins_throttled{0};
  /// From an accepted `send` to its frame queued to every local member.
  net::latency_histogram fanout;
  /// HTTP responses of the site by route class and status (access_log.hpp).
  http_response_counter http_responses;
  /// When the process started (process_start_time_seconds).
  std::chrono::system_clock::time_point started = std::chrono::system_clock::now();

  std::atomic<const net::server_stats*> transport{nullptr};
  const whisper::redis_layer_stats* redis = nullptr;  ///< null: in-process layer
};

/// The /metrics body. `rooms` is asked for its list (one cheap query per scrape).
std::string render_metrics(const server_metrics& metrics, whisper::chat_hub& hub,
                           whisper::room_directory& rooms);

/// The Content-Type of render_metrics' output.
inline constexpr const char* metrics_content_type = "text/plain; version=0.0.4; charset=utf-8";

}  // namespace whisper_server
