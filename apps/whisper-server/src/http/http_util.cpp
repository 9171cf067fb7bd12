// Escaping, form parsing, cookies and response builders.
#include "http/http_util.hpp"

#include <boost/json.hpp>
#include <cctype>

#include "whisper/percent_encoding.hpp"

namespace whisper_server {

std::string html_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char ch : text) {
    switch (ch) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#x27;";
        break;
      default:
        out += ch;
    }
  }
  return out;
}

std::string url_encode(std::string_view text) {
  static const char* const digits = "0123456789ABCDEF";
  std::string out;
  for (char ch : text) {
    const auto byte = static_cast<unsigned char>(ch);
    if (std::isalnum(byte) || ch == '-' || ch == '_' || ch == '.' || ch == '~' || ch == '/') {
      out += ch;
    } else {
      out += '%';
      out += digits[byte >> 4];
      out += digits[byte & 15];
    }
  }
  return out;
}

std::map<std::string, std::string, std::less<>> parse_form(std::string_view body) {
  std::map<std::string, std::string, std::less<>> fields;
  while (!body.empty()) {
    const auto amp = body.find('&');
    const std::string_view pair = body.substr(0, amp);
    body = amp == std::string_view::npos ? std::string_view{} : body.substr(amp + 1);
    if (pair.empty()) continue;
    const auto eq = pair.find('=');
    std::string name = whisper::form_decode(pair.substr(0, eq));
    std::string value =
        eq == std::string_view::npos ? "" : whisper::form_decode(pair.substr(eq + 1));
    fields.emplace(std::move(name), std::move(value));
  }
  return fields;
}

std::string form_value(const std::map<std::string, std::string, std::less<>>& form,
                       std::string_view name) {
  auto it = form.find(name);
  return it == form.end() ? std::string{} : it->second;
}

bool constant_time_equal(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  unsigned char diff = 0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    diff |= static_cast<unsigned char>(a[i] ^ b[i]);
  }
  return diff == 0;
}

std::string safe_redirect_target(std::string_view next) {
  // Only a single leading '/' is a local path: "//evil.com" and "/\evil.com" are
  // read by browsers as another host. Control characters are refused outright.
  if (next.empty() || next[0] != '/') return "/";
  if (next.size() > 1 && (next[1] == '/' || next[1] == '\\')) return "/";
  for (char ch : next) {
    if (static_cast<unsigned char>(ch) < 0x20 || ch == 0x7f) return "/";
  }
  return std::string(next);
}

std::string set_cookie_value(std::string_view name, std::string_view value,
                             const cookie_options& options) {
  std::string cookie = std::string(name) + "=" + std::string(value) + "; Path=/; SameSite=Lax";
  if (options.max_age >= 0) cookie += "; Max-Age=" + std::to_string(options.max_age);
  if (options.http_only) cookie += "; HttpOnly";
  if (options.secure) cookie += "; Secure";
  return cookie;
}

void add_security_headers(net::http_response& response) {
  response.headers.emplace_back(
      "Content-Security-Policy",
      "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
      "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'");
  response.headers.emplace_back("X-Frame-Options", "DENY");
  response.headers.emplace_back("X-Content-Type-Options", "nosniff");
  response.headers.emplace_back("Referrer-Policy", "same-origin");
}

namespace {
// A dynamic answer: never cached, with the security headers of every page.
net::http_response uncached_response(int status, const char* content_type, std::string body) {
  net::http_response response;
  response.status = status;
  response.headers.emplace_back("Content-Type", content_type);
  response.headers.emplace_back("Cache-Control", "no-store");
  add_security_headers(response);
  response.body = std::move(body);
  return response;
}
}  // namespace

net::http_response html_response(int status, std::string body) {
  return uncached_response(status, "text/html; charset=utf-8", std::move(body));
}

net::http_response json_response(int status, std::string body) {
  return uncached_response(status, "application/json", std::move(body));
}

net::http_response json_error(int status, std::string_view code, std::string_view message) {
  boost::json::object error;
  error["error"] = code;
  error["message"] = message;
  return json_response(status, boost::json::serialize(error));
}

net::http_response redirect_response(std::string location) {
  net::http_response response;
  response.status = 302;
  response.headers.emplace_back("Location", std::move(location));
  response.headers.emplace_back("Cache-Control", "no-store");
  add_security_headers(response);
  return response;
}

net::http_response no_content_response() {
  net::http_response response;
  response.status = 204;
  response.headers.emplace_back("Cache-Control", "no-store");
  add_security_headers(response);
  return response;
}

net::http_response message_page(int status, std::string_view title, std::string_view message) {
  std::string body =
      "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>" +
      html_escape(title) +
      "</title><link rel=\"stylesheet\" href=\"/static/style.css\"></head>\n<body><main><h1>" +
      html_escape(title) + "</h1><p>" + html_escape(message) + "</p></main></body></html>\n";
  return html_response(status, std::move(body));
}

}  // namespace whisper_server
