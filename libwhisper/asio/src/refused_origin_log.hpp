// Which refused Origins the transport's log has explained already (each once, bounded),
// and the log line itself (see whisper/asio/origin_hint.hpp for what it says).
#pragma once

#include <cstddef>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

namespace whisper::net {

/// Which refused origins were already explained in the log: each once, and at most
/// `capacity` of them (a client inventing origins cannot grow memory or the log).
///
/// Thread safety: first_time() may be called from any thread.
class refused_origin_log {
 public:
  explicit refused_origin_log(std::size_t capacity = 64) : capacity_(capacity) {}
  /// True when `authority` was not explained yet and there is room to remember it.
  bool first_time(const std::string& authority);

 private:
  const std::size_t capacity_;
  std::mutex mutex_;
  std::unordered_set<std::string> seen_;
};

/// Logs (warn), the first time `origin` is refused, why and which allowed_hosts line
/// would admit it. Origins that are not plain http(s)://host[:port] are not explained.
void explain_refused_origin(refused_origin_log& log, std::string_view origin,
                            std::string_view request_host,
                            const std::vector<std::string>& allowed_hosts);

}  // namespace whisper::net
