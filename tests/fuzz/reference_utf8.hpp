// A reference UTF-8 checker written independently of the server's validator, to compare
// against it. Where the validator uses the byte ranges of Unicode Table 3-7, this one
// reasons on code point values: a partial sequence is still viable while some choice of
// the missing continuation bytes gives a code point that is neither overlong, a
// surrogate, nor above U+10FFFF. Slow and obvious on purpose.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace whisper_fuzz {

/// Result of checking a byte string.
struct utf8_verdict {
  /// Index of the first byte after which no continuation can make the text valid, or
  /// npos when every prefix is viable.
  std::size_t error_at = std::string_view::npos;
  /// True when the text ends inside a code point (and error_at is npos).
  bool truncated = false;
  bool valid() const { return error_at == std::string_view::npos && !truncated; }
};

namespace detail {

// True when some code point in [lo, hi] is a valid scalar value encoded in `length`
// bytes (not overlong: at least the smallest value needing that length).
inline bool interval_viable(std::uint32_t lo, std::uint32_t hi, int length) {
  static constexpr std::uint32_t smallest[] = {0, 0, 0x80, 0x800, 0x10000};
  if (lo < smallest[length]) lo = smallest[length];
  if (hi > 0x10FFFF) hi = 0x10FFFF;
  if (lo > hi) return false;
  // The valid values are [.., 0xD7FF] and [0xE000, ..]: [lo, hi] must not lie inside
  // the surrogate block alone.
  return !(lo >= 0xD800 && hi <= 0xDFFF);
}

// The sequence length a lead byte announces (0: cannot start a sequence) and its bits.
inline int lead_length(std::uint8_t b, std::uint32_t& bits) {
  static constexpr struct {
    std::uint8_t mask, pattern;
    int length;
  } leads[] = {{0x80, 0x00, 1}, {0xE0, 0xC0, 2}, {0xF0, 0xE0, 3}, {0xF8, 0xF0, 4}};
  for (const auto& lead : leads) {
    if ((b & lead.mask) == lead.pattern) {
      bits = b & static_cast<std::uint8_t>(~lead.mask);
      return lead.length;
    }
  }
  return 0;
}

inline utf8_verdict failed_at(utf8_verdict verdict, std::size_t index) {
  verdict.error_at = index;
  return verdict;
}

}  // namespace detail

inline utf8_verdict reference_utf8(std::string_view text) {
  utf8_verdict verdict;
  std::uint32_t bits = 0;  // value bits of the sequence so far
  int length = 0;          // bytes the current sequence needs
  int have = 0;            // bytes of it seen
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto b = static_cast<std::uint8_t>(text[i]);
    if (have == 0) {
      length = detail::lead_length(b, bits);
      if (length == 0) return detail::failed_at(verdict, i);
    } else {
      if ((b & 0xC0) != 0x80) return detail::failed_at(verdict, i);
      bits = (bits << 6) | (b & 0x3Fu);
    }
    ++have;
    // The values still reachable: the missing 6-bit groups all zero .. all one.
    const int missing = 6 * (length - have);
    const std::uint32_t lo = bits << missing;
    const std::uint32_t hi = lo | ((1u << missing) - 1u);
    if (!detail::interval_viable(lo, hi, length)) return detail::failed_at(verdict, i);
    if (have == length) have = 0;
  }
  verdict.truncated = have != 0;
  return verdict;
}

/// `text` cut before its first byte that cannot belong to valid UTF-8, and before a
/// trailing incomplete sequence: valid UTF-8, as every string a JSON parser accepted.
inline std::string valid_utf8_prefix(std::string text) {
  const utf8_verdict verdict = reference_utf8(text);
  if (verdict.error_at != std::string_view::npos) text.resize(verdict.error_at);
  while (!reference_utf8(text).valid()) text.pop_back();
  return text;
}

}  // namespace whisper_fuzz
