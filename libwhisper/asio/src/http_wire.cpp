#include "http_wire.hpp"

#include <array>
#include <cstdio>
#include <websocketpp/base64/base64.hpp>
#include <websocketpp/sha1/sha1.hpp>

#include "detail/ascii.hpp"

namespace whisper::net {

namespace {

// Headers the transport owns: a handler's copy would contradict the framing.
bool transport_header(std::string_view name) {
  return detail::iequals(name, "content-length") || detail::iequals(name, "connection") ||
         detail::iequals(name, "transfer-encoding") || detail::iequals(name, "date") ||
         detail::iequals(name, "server");
}

}  // namespace

std::string serialize_response(const http_response& response, bool keep_alive, bool head_request,
                               std::time_t now) {
  std::string out;
  out.reserve(256 + response.body.size());
  out += "HTTP/1.1 ";
  out += std::to_string(response.status);
  out += ' ';
  out += reason_phrase(response.status);
  out += "\r\n";
  for (const auto& [name, value] : response.headers) {
    if (transport_header(name)) continue;
    // A header value with a line break would let a handler's input split the response.
    if (value.find_first_of("\r\n") != std::string::npos) continue;
    out += name;
    out += ": ";
    out += value;
    out += "\r\n";
  }
  out += "Content-Length: ";
  out += std::to_string(response.body.size());
  out += keep_alive ? "\r\nConnection: keep-alive\r\nDate: " : "\r\nConnection: close\r\nDate: ";
  out += http_date(now);
  // The product only, no version: a version tells an attacker which known holes to try.
  out += "\r\nServer: whisper\r\n\r\n";
  if (!head_request) out += response.body;
  return out;
}

http_response plain_response(int status, std::string_view text) {
  http_response response;
  response.status = status;
  response.headers.emplace_back("Content-Type", "text/plain; charset=utf-8");
  response.body = std::string(text);
  response.body += '\n';
  return response;
}

std::string websocket_accept_key(std::string_view client_key) {
  std::string input(detail::trim(client_key));
  input += "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
  std::array<unsigned char, 20> digest{};
  websocketpp::sha1::calc(input.data(), input.size(), digest.data());
  return websocketpp::base64_encode(digest.data(), digest.size());
}

std::string switching_protocols_response(std::string_view client_key) {
  std::string out =
      "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
      "Sec-WebSocket-Accept: ";
  out += websocket_accept_key(client_key);
  out += "\r\n\r\n";
  return out;
}

std::string http_date(std::time_t when) {
  // Formatted by hand: strftime's %a and %b follow the process locale, HTTP wants English.
  static constexpr std::array<const char*, 7> days{"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static constexpr std::array<const char*, 12> months{"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                      "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  std::tm parts{};
  gmtime_r(&when, &parts);
  std::array<char, 40> text{};
  const int n = std::snprintf(text.data(), text.size(), "%s, %02d %s %04d %02d:%02d:%02d GMT",
                              days[static_cast<std::size_t>(parts.tm_wday % 7)], parts.tm_mday,
                              months[static_cast<std::size_t>(parts.tm_mon % 12)],
                              parts.tm_year + 1900, parts.tm_hour, parts.tm_min, parts.tm_sec);
  return std::string(text.data(), n > 0 ? static_cast<std::size_t>(n) : 0);
}

bool header_has_token(std::string_view value, std::string_view token) {
  while (!value.empty()) {
    const std::size_t comma = value.find(',');
    if (detail::iequals(detail::trim(value.substr(0, comma)), token)) return true;
    if (comma == std::string_view::npos) break;
    value.remove_prefix(comma + 1);
  }
  return false;
}

std::string unmerge_cookie_header(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  while (!value.empty()) {
    const std::size_t cut = value.find_first_of(";,");
    const std::string_view pair = detail::trim(value.substr(0, cut));
    if (!pair.empty()) {
      if (!out.empty()) out += "; ";
      out += pair;
    }
    if (cut == std::string_view::npos) break;
    value.remove_prefix(cut + 1);
  }
  return out;
}

void split_target(std::string_view target, std::string& path, std::string& query) {
  const std::size_t mark = target.find('?');
  path.assign(target.substr(0, mark));
  query.assign(mark == std::string_view::npos ? std::string_view() : target.substr(mark + 1));
}

}  // namespace whisper::net
