// The Origin check against cross-site WebSocket hijacking (PROTOCOL.md §1).
#include <optional>

#include "detail/ascii.hpp"
#include "whisper/auth.hpp"

namespace whisper {

namespace {

// A host and an optional port, lowercased. IPv6 literals keep their brackets.
struct host_port {
  std::string host;
  std::optional<std::string> port;
};

// Splits "host", "host:port", "[v6]" or "[v6]:port". Nullopt when malformed.
std::optional<host_port> split_host_port(std::string_view text) {
  text = detail::trim(text);
  if (text.empty()) return std::nullopt;
  host_port out;
  std::string_view rest;
  if (text.front() == '[') {
    const std::size_t close = text.find(']');
    if (close == std::string_view::npos) return std::nullopt;
    out.host = detail::to_lower(text.substr(0, close + 1));
    rest = text.substr(close + 1);
  } else {
    const std::size_t colon = text.find(':');
    out.host = detail::to_lower(text.substr(0, colon));
    rest = colon == std::string_view::npos ? std::string_view{} : text.substr(colon);
  }
  if (out.host.empty()) return std::nullopt;
  if (!rest.empty()) {
    if (rest.front() != ':' || rest.size() < 2) return std::nullopt;
    rest.remove_prefix(1);
    for (char c : rest) {
      if (c < '0' || c > '9') return std::nullopt;
    }
    out.port = std::string(rest);
  }
  return out;
}

// The host and effective port of an Origin ("scheme://host[:port]"); a missing port is
// the scheme's default, so "https://a.example" matches an entry "a.example:443".
std::optional<host_port> parse_origin(std::string_view origin) {
  const std::size_t sep = origin.find("://");
  if (sep == std::string_view::npos || sep == 0) return std::nullopt;
  const std::string scheme = detail::to_lower(origin.substr(0, sep));
  std::string_view authority = origin.substr(sep + 3);
  authority = authority.substr(0, authority.find_first_of("/?#"));
  if (authority.find('@') != std::string_view::npos) return std::nullopt;  // no userinfo
  std::optional<host_port> hp = split_host_port(authority);
  if (!hp) return std::nullopt;
  if (!hp->port) {
    if (scheme == "https" || scheme == "wss") hp->port = "443";
    if (scheme == "http" || scheme == "ws") hp->port = "80";
  }
  return hp;
}

// An allowed entry without a port admits every port of its host.
bool matches(const host_port& origin, std::string_view entry) {
  std::optional<host_port> allowed = split_host_port(entry);
  if (!allowed || allowed->host != origin.host) return false;
  return !allowed->port || allowed->port == origin.port;
}

}  // namespace

bool origin_allowed(std::optional<std::string_view> origin, std::string_view request_host,
                    const std::vector<std::string>& allowed_hosts) {
  if (!origin) return true;  // not a browser: nothing to hijack
  const std::string_view text = detail::trim(*origin);
  // "null" comes from sandboxed frames and file: pages: never a site we trust.
  if (detail::iequals(text, "null")) return false;
  const std::optional<host_port> from = parse_origin(text);
  if (!from) return false;
  if (allowed_hosts.empty()) return matches(*from, request_host);
  for (const std::string& entry : allowed_hosts) {
    if (detail::trim(entry) == "*" || matches(*from, entry)) return true;
  }
  return false;
}

}  // namespace whisper
