// The strict checks an HTTP/1.1 request head must pass before its body is read: the
// framing rules of RFC 9112 that a lenient parser would "repair" in its own way, so a
// proxy in front and this server could disagree about where a request ends (request
// smuggling). websocketpp's parser joins repeated headers, strips whitespace before the
// colon and takes the leading digits of Content-Length; these checks run on the raw
// bytes, before any of that, and refuse instead.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace whisper::net {

/// What is wrong with a complete request head (request line, header lines, the blank
/// line; CRLF line ends), or nullopt when it may be served. The text says what was
/// refused and how to send it right; it never quotes the client's bytes. Every problem
/// is answered 400 and the connection closed: after an ambiguous head the rest of the
/// stream cannot be trusted to be framed the way the client meant.
///
/// Refused (RFC 9112 §2.2, §3, §5, §6): a request line that is not `method SP target SP
/// HTTP/x.y`; control characters (other than HTAB in values) anywhere in the head;
/// folded header lines; a line without a colon; an empty or non-token header name, or
/// whitespace between the name and the colon; more than one Content-Length or Host
/// header; a Content-Length that is not a plain decimal number (a sign, a list such as
/// `0, 5`, or other text); any Transfer-Encoding (with or without Content-Length: the
/// server reads bodies by Content-Length only).
///
/// Thread safety: a pure function.
std::optional<std::string> check_request_head(std::string_view head);

}  // namespace whisper::net
