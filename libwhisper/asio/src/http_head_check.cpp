#include "http_head_check.hpp"

#include <cstddef>

#include "detail/ascii.hpp"
#include "whisper/asio/http.hpp"

namespace whisper::net {

namespace {

constexpr std::string_view crlf = "\r\n";

bool is_control(char c) {
  const auto byte = static_cast<unsigned char>(c);
  return byte < 0x20 || byte == 0x7F;
}

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

// RFC 9110 §5.6.2 tchar: the characters a header name (and a method) may contain.
bool is_token_char(char c) {
  if (is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) return true;
  return std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

bool is_token(std::string_view s) {
  if (s.empty()) return false;
  for (const char c : s) {
    if (!is_token_char(c)) return false;
  }
  return true;
}

// `method SP request-target SP HTTP/DIGIT.DIGIT`, nothing else (RFC 9112 §3).
std::optional<std::string> check_request_line(std::string_view line) {
  for (const char c : line) {
    if (is_control(c)) return "control character in the request line";
  }
  const std::size_t first = line.find(' ');
  const std::size_t second = first == std::string_view::npos ? first : line.find(' ', first + 1);
  if (second == std::string_view::npos || line.find(' ', second + 1) != std::string_view::npos ||
      !is_token(line.substr(0, first)) || second == first + 1) {
    return "the request line must be: METHOD SP target SP HTTP/1.1";
  }
  const std::string_view version = line.substr(second + 1);
  if (version.size() != 8 || version.substr(0, 5) != "HTTP/" || !is_digit(version[5]) ||
      version[6] != '.' || !is_digit(version[7])) {
    return "the request line must end with the HTTP version, e.g. HTTP/1.1";
  }
  return std::nullopt;
}

// What the header lines say about framing, gathered while checking them one by one.
struct framing {
  int content_lengths = 0;
  int hosts = 0;
  bool transfer_encoding = false;
};

std::optional<std::string> check_header_line(std::string_view line, framing& seen) {
  if (line.front() == ' ' || line.front() == '\t') {
    return "folded header lines (a line starting with whitespace) are not accepted: "
           "send each header on one line";
  }
  const std::size_t colon = line.find(':');
  if (colon == std::string_view::npos) return "a header line without a colon";
  const std::string_view name = line.substr(0, colon);
  if (!name.empty() && (name.back() == ' ' || name.back() == '\t')) {
    return "whitespace between a header name and its colon is not accepted";
  }
  if (!is_token(name)) return "a header name that is empty or not a token";
  const std::string_view value = detail::trim(line.substr(colon + 1));
  for (const char c : value) {
    if (is_control(c) && c != '\t') return "control character in a header value";
  }
  if (detail::iequals(name, "host")) ++seen.hosts;
  if (detail::iequals(name, "transfer-encoding")) seen.transfer_encoding = true;
  if (detail::iequals(name, "content-length")) {
    ++seen.content_lengths;
    bool digits = !value.empty();
    for (const char c : value) digits = digits && is_digit(c);
    if (!digits) {
      return "Content-Length must be one decimal number of bytes (no sign, no list)";
    }
  }
  return std::nullopt;
}

}  // namespace

std::optional<std::string> check_request_head(std::string_view head) {
  std::size_t end = head.find(crlf);
  if (end == std::string_view::npos) return "the request head must end with an empty line";
  if (auto problem = check_request_line(head.substr(0, end))) return problem;
  framing seen;
  for (std::size_t at = end + crlf.size();; at = end + crlf.size()) {
    end = head.find(crlf, at);
    if (end == std::string_view::npos) return "the request head must end with an empty line";
    if (end == at) break;  // the blank line
    if (auto problem = check_header_line(head.substr(at, end - at), seen)) return problem;
  }
  if (seen.content_lengths > 1) return "more than one Content-Length header: send one";
  if (seen.hosts > 1) return "more than one Host header: send one";
  if (seen.transfer_encoding) {
    return seen.content_lengths > 0
               ? "Transfer-Encoding together with Content-Length: send Content-Length only"
               : "Transfer-Encoding is not supported: send the body with Content-Length";
  }
  return std::nullopt;
}

}  // namespace whisper::net
