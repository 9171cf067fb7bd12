// Session ids and other secrets: bytes from the kernel's CSPRNG, hex-encoded.
#include <sys/random.h>

#include <cerrno>
#include <cstdint>
#include <stdexcept>
#include <vector>

#include "detail/random_bytes.hpp"
#include "whisper/session_store.hpp"

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

std::string random_token(std::size_t bytes) {
  std::vector<unsigned char> buf(bytes);
  detail::fill_random(buf.data(), bytes);
  static constexpr char digits[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes * 2);
  for (unsigned char b : buf) {
    out.push_back(digits[b >> 4]);
    out.push_back(digits[b & 0x0f]);
  }
  return out;
}

std::string session_tag(std::string_view session_id) {
  // FNV-1a: a fixed, portable function (std::hash may differ between builds, and the
  // processes sharing a channel layer must agree on the tag).
  std::uint64_t h = 14695981039346656037ULL;
  for (unsigned char c : session_id) {
    h ^= c;
    h *= 1099511628211ULL;
  }
  static constexpr char digits[] = "0123456789abcdef";
  std::string out(16, '0');
  for (int i = 15; i >= 0; --i) {
    out[static_cast<std::size_t>(i)] = digits[h & 0x0f];
    h >>= 4;
  }
  return out;
}

}  // namespace whisper
