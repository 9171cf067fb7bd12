#include "wire_envelope.hpp"

#include <cstdint>
#include <cstdio>
#include <random>

namespace whisper::redis_detail {

std::string encode_envelope(std::string_view origin, std::string_view target,
                            std::string_view event) {
  std::string out;
  out.reserve(origin.size() + target.size() + event.size() + 2);
  out.append(origin).append(1, '\n').append(target).append(1, '\n').append(event);
  return out;
}

std::optional<envelope> decode_envelope(std::string_view payload) {
  const auto first = payload.find('\n');
  if (first == std::string_view::npos || first == 0) return std::nullopt;
  const auto second = payload.find('\n', first + 1);
  if (second == std::string_view::npos) return std::nullopt;
  return envelope{payload.substr(0, first), payload.substr(first + 1, second - first - 1),
                  payload.substr(second + 1)};
}

std::string make_process_id() {
  std::random_device seed;
  std::mt19937_64 gen((static_cast<std::uint64_t>(seed()) << 32) ^ seed());
  std::uint64_t hi = gen();
  std::uint64_t lo = gen();
  hi = (hi & 0xffffffffffff0fffULL) | 0x0000000000004000ULL;  // version 4
  lo = (lo & 0x3fffffffffffffffULL) | 0x8000000000000000ULL;  // RFC 4122 variant
  char text[37];
  std::snprintf(text, sizeof text, "%08x-%04x-%04x-%04x-%012llx", static_cast<unsigned>(hi >> 32),
                static_cast<unsigned>((hi >> 16) & 0xffff), static_cast<unsigned>(hi & 0xffff),
                static_cast<unsigned>(lo >> 48),
                static_cast<unsigned long long>(lo & 0xffffffffffffULL));
  return text;
}

}  // namespace whisper::redis_detail
