// Private: locale-independent ASCII helpers for HTTP tokens (header names, hosts) and
// %XX-escaped text (query strings, forms, URL credentials). Header-only, so that the
// Redis component can use it through its build-tree include path.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace whisper::detail {

inline char ascii_lower(char c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c;
}

inline bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (ascii_lower(a[i]) != ascii_lower(b[i])) return false;
  }
  return true;
}

inline std::string to_lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = ascii_lower(c);
  return out;
}

/// `s` without leading and trailing spaces and tabs.
inline std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

/// The value of a hex digit, or -1 for any other character.
inline int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

/// How percent_decode() reads '+' and a '%' that is not followed by two hex digits.
enum class percent_rule {
  /// application/x-www-form-urlencoded (forms, query strings): '+' is a space, and a
  /// stray '%' is kept as it is rather than refusing the whole field (as browsers do).
  form,
  /// RFC 3986 (a URL's user info): '+' is itself, and a stray '%' is an error.
  strict,
};

/// Decodes %XX escapes; nullopt only under percent_rule::strict, at a stray '%'.
inline std::optional<std::string> percent_decode(std::string_view s, percent_rule rule) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (c == '+' && rule == percent_rule::form) {
      out.push_back(' ');
      continue;
    }
    if (c != '%') {
      out.push_back(c);
      continue;
    }
    const int hi = i + 1 < s.size() ? hex_value(s[i + 1]) : -1;
    const int lo = i + 2 < s.size() ? hex_value(s[i + 2]) : -1;
    if (hi >= 0 && lo >= 0) {
      out.push_back(static_cast<char>(hi * 16 + lo));
      i += 2;
    } else if (rule == percent_rule::strict) {
      return std::nullopt;
    } else {
      out.push_back(c);
    }
  }
  return out;
}

}  // namespace whisper::detail
