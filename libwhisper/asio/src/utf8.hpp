// Incremental UTF-8 validation for WebSocket text (RFC 6455 §8.1: invalid text closes
// with 1007). Incremental because a code point may be split across frames and reads.
#pragma once

#include <cstdint>
#include <string_view>

namespace whisper::net {

/// Validates a byte stream fed in any number of pieces. Rejects overlong forms,
/// surrogates (U+D800..U+DFFF) and code points above U+10FFFF.
///
/// Thread safety: distinct objects safe; a shared object is unsafe.
class utf8_validator {
 public:
  /// Feeds the next bytes; false once the stream so far cannot be valid UTF-8 (and
  /// stays false until reset()).
  bool feed(std::string_view bytes);
  /// True when the stream is valid and does not end inside a code point.
  bool complete() const { return !failed_ && remaining_ == 0; }
  void reset() { *this = utf8_validator{}; }

 private:
  bool feed_byte(std::uint8_t byte);

  std::uint8_t remaining_ = 0;  // continuation bytes still expected
  std::uint8_t lower_ = 0x80;   // allowed range of the next continuation byte
  std::uint8_t upper_ = 0xBF;
  bool failed_ = false;
};

/// True when `bytes` is complete, valid UTF-8.
bool valid_utf8(std::string_view bytes);

}  // namespace whisper::net
