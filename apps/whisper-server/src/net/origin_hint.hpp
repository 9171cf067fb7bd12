// What to tell a person whose page was refused the chat WebSocket for its Origin: the
// usual cause is opening the site by another name than the one in allowed_hosts
// (127.0.0.1 instead of localhost, the host's address). A browser cannot read why a
// WebSocket failed, so the page asks (GET /chat/origin/) and the operator's log says
// once per origin what to set.
#pragma once

#include <cstddef>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

namespace whisper_server::net {

/// The host[:port] of an Origin ("http://127.0.0.1:8000" -> "127.0.0.1:8000"), or ""
/// when it is not scheme://authority made of host-name characters only (such a value is
/// then never repeated in a log line or a page).
std::string origin_authority(std::string_view origin);

/// The origin to open the site as instead: `origin`'s scheme and the first allowed_hosts
/// entry naming one host ("http://localhost:8000"); "" when there is none.
std::string suggested_origin(std::string_view origin,
                             const std::vector<std::string>& allowed_hosts);

/// The allowed_hosts line (TOML) that would also admit `origin`: the current entries
/// (the request's Host when none are configured) plus the origin's host[:port].
std::string allowed_hosts_with(std::string_view origin,
                               const std::vector<std::string>& allowed_hosts,
                               std::string_view request_host);

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

}  // namespace whisper_server::net
