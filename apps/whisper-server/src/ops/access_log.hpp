// The access log and the per-route HTTP counters: one line and one count for every
// answered HTTP request (WebSocket upgrades are the transport's to log and count).
#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include "net_namespace.hpp"
#include "whisper/asio/http.hpp"

namespace whisper_server {

struct site_context;

/// The route classes of /metrics labels and log lines. Any path an attacker invents
/// falls in "other", so the label set stays bounded.
enum class http_route { pages, accounts, api, static_files, healthz, metrics, other };
inline constexpr std::size_t http_route_count = 7;

http_route classify_route(std::string_view path);
const char* route_name(http_route route);

/// Responses counted by route class and status code.
///
/// Thread safety: count() and get() may run concurrently from any thread (relaxed atomics).
class http_response_counter {
 public:
  void count(http_route route, int status) {
    table_[static_cast<std::size_t>(route)][index(status)].fetch_add(1, std::memory_order_relaxed);
  }
  std::uint64_t get(http_route route, int status) const {
    return table_[static_cast<std::size_t>(route)][index(status)].load(std::memory_order_relaxed);
  }

 private:
  static std::size_t index(int status) {
    return status >= 100 && status < 600 ? static_cast<std::size_t>(status - 100) : 0;
  }
  std::array<std::array<std::atomic<std::uint64_t>, 500>, http_route_count> table_{};
};

/// One request on its way: made when it arrives, told its status when answered.
///
/// Thread safety: answered() may run on any thread (the answer may come from the
/// password workers); the site context must outlive it.
class access_record {
 public:
  access_record(const site_context& site, const whisper::request& request);
  /// Counts the response and logs "http method=... route=... path=... status=...
  /// latency_ms=... remote=..." at config.access_log_level.
  void answered(int status) const;

 private:
  const site_context* site_;
  std::chrono::steady_clock::time_point started_;
  http_route route_;
  std::string method_;
  std::string path_;  ///< escaped and cut for the log; never the query (it may hold secrets)
  std::string remote_;
};

}  // namespace whisper_server
