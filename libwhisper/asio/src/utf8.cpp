#include "utf8.hpp"

#include <cstring>

namespace whisper::net {

bool utf8_validator::feed(std::string_view bytes) {
  if (failed_) return false;
  const char* p = bytes.data();
  const char* const end = p + bytes.size();
  while (p != end) {
    // Chat JSON is mostly ASCII: skip 8 plain bytes at a time between code points.
    if (remaining_ == 0) {
      while (end - p >= 8) {
        std::uint64_t word;
        std::memcpy(&word, p, sizeof word);
        if ((word & 0x8080808080808080ULL) != 0) break;
        p += 8;
      }
      if (p == end) break;
    }
    if (!feed_byte(static_cast<std::uint8_t>(*p++))) {
      failed_ = true;
      return false;
    }
  }
  return true;
}

bool utf8_validator::feed_byte(std::uint8_t byte) {
  if (remaining_ > 0) {
    if (byte < lower_ || byte > upper_) return false;
    --remaining_;
    lower_ = 0x80;
    upper_ = 0xBF;
    return true;
  }
  if (byte < 0x80) return true;
  // Lead bytes (Unicode Table 3-7, "well-formed UTF-8 byte sequences"): the ranges of
  // the second byte exclude overlongs (E0, F0), surrogates (ED) and > U+10FFFF (F4).
  if (byte >= 0xC2 && byte <= 0xDF) {
    remaining_ = 1;
  } else if (byte >= 0xE0 && byte <= 0xEF) {
    remaining_ = 2;
    if (byte == 0xE0) lower_ = 0xA0;
    if (byte == 0xED) upper_ = 0x9F;
  } else if (byte >= 0xF0 && byte <= 0xF4) {
    remaining_ = 3;
    if (byte == 0xF0) lower_ = 0x90;
    if (byte == 0xF4) upper_ = 0x8F;
  } else {
    return false;  // continuation byte without a lead, C0/C1 overlongs, F5..FF
  }
  return true;
}

bool valid_utf8(std::string_view bytes) {
  utf8_validator validator;
  return validator.feed(bytes) && validator.complete();
}

}  // namespace whisper::net
