// Session ids and other secrets: bytes from the kernel's CSPRNG, hex-encoded.
#include <sys/random.h>

#include <cerrno>
#include <cstdint>
#include <stdexcept>
#include <vector>

#include "detail/random_bytes.hpp"
#include "whisper/account_stores.hpp"

namespace whisper {

namespace detail {

void fill_random(unsigned char* out, std::size_t n) {
  std::size_t filled = 0;
  while (filled < n) {
    // getrandom() may return fewer bytes than asked (large requests) or be interrupted.
    ssize_t got = getrandom(out + filled, n - filled, 0);
    if (got < 0) {
      if (errno == EINTR) continue;
      throw std::runtime_error("getrandom failed");
    }
    filled += static_cast<std::size_t>(got);
  }
}

}  // namespace detail

namespace {

// Lowercase hex of bytes, most significant nibble first.
std::string to_hex(const unsigned char* bytes, std::size_t n) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string out;
  out.reserve(n * 2);
  for (std::size_t i = 0; i < n; ++i) {
    out.push_back(digits[bytes[i] >> 4]);
    out.push_back(digits[bytes[i] & 0x0f]);
  }
  return out;
}

}  // namespace

std::string random_token(std::size_t bytes) {
  std::vector<unsigned char> buf(bytes);
  detail::fill_random(buf.data(), bytes);
  return to_hex(buf.data(), bytes);
}

std::string session_tag(std::string_view session_id) {
  // FNV-1a: a fixed, portable function (std::hash may differ between builds, and the
  // processes sharing a channel layer must agree on the tag).
  std::uint64_t h = 14695981039346656037ULL;
  for (unsigned char c : session_id) {
    h ^= c;
    h *= 1099511628211ULL;
  }
  unsigned char big_endian[8];
  for (int i = 7; i >= 0; --i) {
    big_endian[i] = static_cast<unsigned char>(h & 0xff);
    h >>= 8;
  }
  return to_hex(big_endian, sizeof big_endian);
}

}  // namespace whisper
