// One HTTP request as every part of whisper sees it: the transport builds it, the
// authenticator reads it for a WebSocket upgrade, and an embedder's page handler reads it
// for every other request.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace whisper {

/// One HTTP/1.1 request (head and body), with its Cookie header(s) parsed once by whoever
/// built it. Plain value type.
///
/// Thread safety: distinct objects safe; a shared object is safe for concurrent reads.
struct request {
  std::string method;  ///< "GET", "POST", ...
  std::string target;  ///< as sent, e.g. "/accounts/login/?next=/"
  std::string path;    ///< target without the query, e.g. "/chat/stream/"
  std::string query;   ///< raw query string without '?', e.g. "token=abc"
  /// Header fields with lowercased names, in order of arrival.
  std::vector<std::pair<std::string, std::string>> headers;
  /// Cookies from the Cookie header(s) (see parse_cookies()).
  std::map<std::string, std::string, std::less<>> cookies;
  std::string body;
  std::string remote_address;  ///< peer (or trusted proxy's client) IP address as text
  bool secure = false;         ///< arrived over TLS

  /// The first header of that (case-insensitive) name.
  std::optional<std::string_view> header(std::string_view name) const;
  std::optional<std::string_view> cookie(std::string_view name) const;
  /// A query parameter's value, percent-decoded.
  std::optional<std::string> query_param(std::string_view name) const;
};

/// Parses a Cookie header value ("a=1; b=2") into name/value pairs. Malformed pairs are
/// skipped; the first of duplicate names wins.
std::map<std::string, std::string, std::less<>> parse_cookies(std::string_view header);

/// Fills `r.cookies` from every Cookie header in `r.headers` (the first of a name wins).
void parse_request_cookies(request& r);

}  // namespace whisper
