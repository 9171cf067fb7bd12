// Client-controlled text (Origin, User-Agent, paths, usernames) on its way into a log
// line: an attacker must not be able to write terminal escapes (ESC, BEL), forge extra
// lines (CR, LF) or fill the disk with one 8 KB header.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace whisper::net {

/// `text` with control characters, DEL and backslashes written as \xNN, cut after
/// `max_bytes` with a note of how much was left out. Thread safety: a pure function.
inline std::string log_text(std::string_view text, std::size_t max_bytes = 200) {
  static constexpr char hex[] = "0123456789abcdef";
  std::string out;
  const std::string_view shown = text.substr(0, max_bytes);
  out.reserve(shown.size());
  for (const char ch : shown) {
    const auto byte = static_cast<unsigned char>(ch);
    if (byte < 0x20 || byte == 0x7f || byte == '\\') {
      out += "\\x";
      out += hex[byte >> 4];
      out += hex[byte & 0xf];
    } else {
      out += ch;
    }
  }
  if (text.size() > shown.size()) {
    out += "...(" + std::to_string(text.size() - shown.size()) + " more bytes)";
  }
  return out;
}

}  // namespace whisper::net
