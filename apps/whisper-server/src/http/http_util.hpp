// Small HTTP helpers for the pages and the API: escaping, forms, cookies, responses.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "net_namespace.hpp"
#include "whisper/asio/http.hpp"

namespace whisper_server {

/// Escapes & < > " ' for HTML text and attribute values.
std::string html_escape(std::string_view text);
/// Encodes everything but unreserved characters (for ?next=...); whisper::form_decode()
/// (whisper/percent_encoding.hpp) decodes it.
std::string url_encode(std::string_view text);
/// Parses "a=1&b=2" (a form body or a query string), each name and value decoded with
/// whisper::form_decode(). The first of duplicate names wins.
std::map<std::string, std::string, std::less<>> parse_form(std::string_view body);
/// The value of a field, or "".
std::string form_value(const std::map<std::string, std::string, std::less<>>& form,
                       std::string_view name);

/// Compares secrets in time independent of where they differ.
bool constant_time_equal(std::string_view a, std::string_view b);

/// `next` if it is a path on this site ("/x", not "//host" or "/\host"), else "/".
std::string safe_redirect_target(std::string_view next);

/// Attributes of a Set-Cookie header.
struct cookie_options {
  bool http_only = true;
  bool secure = false;
  long long max_age = -1;  ///< seconds; -1: session cookie; 0: delete
};
std::string set_cookie_value(std::string_view name, std::string_view value,
                             const cookie_options& options);

/// The response headers every page carries (CSP, X-Frame-Options, ...).
void add_security_headers(net::http_response& response);

net::http_response html_response(int status, std::string body);
net::http_response json_response(int status, std::string body);
/// {"error": code, "message": message}
net::http_response json_error(int status, std::string_view code, std::string_view message);
net::http_response redirect_response(std::string location);
/// 204 No Content (no body, no Content-Type).
net::http_response no_content_response();
/// A plain HTML page with a title and a one-paragraph message (403, 404, 503 ...).
net::http_response message_page(int status, std::string_view title, std::string_view message);

}  // namespace whisper_server
