// HTTP/1.1 bytes the transport writes, as pure functions (no socket): response
// serialization, the WebSocket handshake answer, and small header helpers.
#pragma once

#include <ctime>
#include <string>
#include <string_view>

#include "whisper/asio/http.hpp"

namespace whisper::net {

/// Status line, the handler's headers, then Content-Length, Connection, Date and Server
/// (the handler's own values of those four are replaced), a blank line and the body
/// (omitted for HEAD, whose Content-Length still tells the size of the GET answer).
std::string serialize_response(const http_response& response, bool keep_alive, bool head_request,
                               std::time_t now);

/// A short plain-text response for errors the transport answers itself.
http_response plain_response(int status, std::string_view text);

/// Sec-WebSocket-Accept for a Sec-WebSocket-Key (RFC 6455 §4.2.2: base64 of the SHA-1
/// of the key and the protocol's GUID).
std::string websocket_accept_key(std::string_view client_key);

/// The complete "101 Switching Protocols" answer to a WebSocket upgrade.
std::string switching_protocols_response(std::string_view client_key);

/// An IMF-fixdate for the Date header: "Sun, 06 Nov 1994 08:49:37 GMT".
std::string http_date(std::time_t when);

/// True when the comma-separated header value lists `token` (case-insensitive), as
/// "Connection: keep-alive, Upgrade" lists "upgrade".
bool header_has_token(std::string_view value, std::string_view token);

/// A Cookie header value as one "; "-separated list. websocketpp joins repeated
/// headers with ", ", so two Cookie headers arrive as "a=1, b=2"; a comma cannot occur
/// in a cookie name or value (RFC 6265 §4.1.1), so ',' is read as a separator too.
std::string unmerge_cookie_header(std::string_view value);

/// Splits a request target into path and raw query (without '?').
void split_target(std::string_view target, std::string& path, std::string& query);

}  // namespace whisper::net
