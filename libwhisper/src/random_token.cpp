// Session ids and other secrets: bytes from the kernel's CSPRNG, hex-encoded.
#include <sys/random.h>

#include <cerrno>
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

}  // namespace whisper
