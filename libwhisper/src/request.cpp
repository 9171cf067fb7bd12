// Reading a request: headers, cookies and query parameters.
#include "whisper/request.hpp"

#include <optional>

#include "detail/ascii.hpp"
#include "whisper/percent_encoding.hpp"

namespace whisper {

std::optional<std::string_view> request::header(std::string_view name) const {
  for (const auto& field : headers) {
    if (detail::iequals(field.first, name)) return std::string_view(field.second);
  }
  return std::nullopt;
}

std::optional<std::string_view> request::cookie(std::string_view name) const {
  auto it = cookies.find(name);
  if (it == cookies.end()) return std::nullopt;
  return std::string_view(it->second);
}

std::optional<std::string> request::query_param(std::string_view name) const {
  std::string_view rest = query;
  while (!rest.empty()) {
    const std::size_t amp = rest.find('&');
    std::string_view pair = rest.substr(0, amp);
    rest = amp == std::string_view::npos ? std::string_view{} : rest.substr(amp + 1);
    const std::size_t eq = pair.find('=');
    std::string_view key = pair.substr(0, eq);
    std::string_view value =
        eq == std::string_view::npos ? std::string_view{} : pair.substr(eq + 1);
    if (form_decode(key) == name) return form_decode(value);
  }
  return std::nullopt;
}

std::map<std::string, std::string, std::less<>> parse_cookies(std::string_view header) {
  std::map<std::string, std::string, std::less<>> out;
  while (!header.empty()) {
    const std::size_t semi = header.find(';');
    std::string_view pair = detail::trim(header.substr(0, semi));
    header = semi == std::string_view::npos ? std::string_view{} : header.substr(semi + 1);
    const std::size_t eq = pair.find('=');
    if (eq == std::string_view::npos) continue;  // malformed: no '='
    std::string_view name = detail::trim(pair.substr(0, eq));
    std::string_view value = detail::trim(pair.substr(eq + 1));
    if (name.empty()) continue;
    // RFC 6265 allows a value in double quotes; the quotes are not part of it.
    if (value.size() >= 2 && value.front() == '"' && value.back() == '"') {
      value = value.substr(1, value.size() - 2);
    }
    out.emplace(std::string(name), std::string(value));  // emplace: the first one wins
  }
  return out;
}

void parse_request_cookies(request& r) {
  for (const auto& [name, value] : r.headers) {
    if (name != "cookie") continue;
    for (auto& cookie : parse_cookies(value)) r.cookies.insert(std::move(cookie));
  }
}

}  // namespace whisper
