#include "whisper/asio/origin_hint.hpp"

#include <spdlog/spdlog.h>

#include "detail/ascii.hpp"
#include "refused_origin_log.hpp"
#include "whisper/asio/http.hpp"

namespace whisper::net {
namespace {

constexpr std::size_t kMaxAuthority = 255;  // a DNS name and a port

// Letters, digits and what host names, IP literals and ports are written with.
bool host_characters(std::string_view text) {
  if (text.empty() || text.size() > kMaxAuthority) return false;
  for (const char c : text) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '.' || c == '-' || c == ':' || c == '[' || c == ']';
    if (!ok) return false;
  }
  return true;
}

std::string_view origin_scheme(std::string_view origin) {
  const std::size_t sep = origin.find("://");
  return sep == std::string_view::npos ? std::string_view{} : origin.substr(0, sep);
}

std::string quoted_list(const std::vector<std::string>& items) {
  std::string out = "[";
  for (const std::string& item : items) out += (out.size() > 1 ? ", \"" : "\"") + item + "\"";
  return out + "]";
}

}  // namespace

std::string origin_authority(std::string_view origin) {
  origin = detail::trim(origin);
  const std::string_view scheme = origin_scheme(origin);
  if (scheme != "http" && scheme != "https") return {};
  const std::string_view authority = origin.substr(scheme.size() + 3);
  return host_characters(authority) ? std::string(authority) : std::string();
}

std::string suggested_origin(std::string_view origin,
                             const std::vector<std::string>& allowed_hosts) {
  if (origin_authority(origin).empty()) return {};
  const std::string_view scheme = origin_scheme(detail::trim(origin));
  for (const std::string& entry : allowed_hosts) {
    const std::string_view host = detail::trim(entry);
    if (host_characters(host)) return std::string(scheme) + "://" + std::string(host);
  }
  return {};
}

std::string allowed_hosts_with(std::string_view origin,
                               const std::vector<std::string>& allowed_hosts,
                               std::string_view request_host) {
  std::vector<std::string> entries;
  for (const std::string& entry : allowed_hosts) {
    if (host_characters(detail::trim(entry))) entries.emplace_back(detail::trim(entry));
  }
  if (allowed_hosts.empty() && host_characters(detail::trim(request_host)))
    entries.emplace_back(detail::trim(request_host));
  entries.push_back(origin_authority(origin));
  return "allowed_hosts = " + quoted_list(entries);
}

bool refused_origin_log::first_time(const std::string& authority) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (seen_.size() >= capacity_) return false;
  return seen_.insert(authority).second;
}

void explain_refused_origin(refused_origin_log& log, std::string_view origin,
                            std::string_view request_host,
                            const std::vector<std::string>& allowed_hosts) {
  const std::string authority = origin_authority(origin);
  if (authority.empty() || !log.first_time(authority)) return;
  const std::string where = allowed_hosts.empty()
                                ? "it does not match the request's Host (a proxy must pass the "
                                  "browser's Host header)"
                                : "it is not in allowed_hosts";
  spdlog::warn(
      "refused the chat WebSocket of a page opened as {}: {}, so that page only shows "
      "'Reconnecting'. To accept that address set {} (or WHISPER_ALLOWED_HOSTS); logged once "
      "per origin",
      std::string(detail::trim(origin)), where,
      allowed_hosts_with(origin, allowed_hosts, request_host));
}

}  // namespace whisper::net
