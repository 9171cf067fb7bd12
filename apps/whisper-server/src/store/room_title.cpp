// Counts code points, not bytes: the admin form (maxlength) counts characters, so a title
// of 200 "é" (400 bytes) is accepted by both.
#include "store/room_title.hpp"

#include <optional>

namespace whisper_server {
namespace {

// The number of code points of well-formed UTF-8 (RFC 3629: shortest form, no
// surrogates, at most U+10FFFF), or nullopt.
std::optional<std::size_t> utf8_length(std::string_view text) {
  std::size_t count = 0;
  for (std::size_t i = 0; i < text.size(); ++count) {
    const auto lead = static_cast<unsigned char>(text[i]);
    std::size_t extra = 0;
    unsigned char low = 0x80;  // the allowed range of the second byte
    unsigned char high = 0xBF;
    if (lead < 0x80) {
      extra = 0;
    } else if (lead >= 0xC2 && lead <= 0xDF) {
      extra = 1;
    } else if (lead >= 0xE0 && lead <= 0xEF) {
      extra = 2;
      if (lead == 0xE0) low = 0xA0;   // no overlong forms
      if (lead == 0xED) high = 0x9F;  // no surrogates
    } else if (lead >= 0xF0 && lead <= 0xF4) {
      extra = 3;
      if (lead == 0xF0) low = 0x90;   // no overlong forms
      if (lead == 0xF4) high = 0x8F;  // nothing above U+10FFFF
    } else {
      return std::nullopt;
    }
    if (text.size() - i <= extra) return std::nullopt;
    for (std::size_t k = 1; k <= extra; ++k) {
      const auto byte = static_cast<unsigned char>(text[i + k]);
      if (byte < (k == 1 ? low : 0x80) || byte > (k == 1 ? high : 0xBF)) return std::nullopt;
    }
    i += extra + 1;
  }
  return count;
}

}  // namespace

std::string room_title_problem(std::string_view title) {
  if (title.empty()) return "The room title must not be empty.";
  const auto length = utf8_length(title);
  if (!length) return "The room title must be UTF-8 text.";
  if (*length > max_room_title_chars) {
    return "The room title must be at most " + std::to_string(max_room_title_chars) +
           " characters long (this one has " + std::to_string(*length) + ").";
  }
  return {};
}

}  // namespace whisper_server
