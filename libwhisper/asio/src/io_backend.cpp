#include "whisper/asio/io_backend.hpp"

#include "send_ring.hpp"

namespace whisper::net {

const char* to_string(io_backend backend) {
  switch (backend) {
    case io_backend::automatic:
      return "auto";
    case io_backend::io_uring:
      return "io_uring";
    case io_backend::epoll:
      return "epoll";
  }
  return "?";
}

std::optional<io_backend> parse_io_backend(std::string_view text) {
  if (text == "auto") return io_backend::automatic;
  if (text == "io_uring") return io_backend::io_uring;
  if (text == "epoll") return io_backend::epoll;
  return std::nullopt;
}

bool io_uring_available(std::string* why_not) {
  std::string reason;
  const bool ok = send_ring::probe(reason);
  if (!ok && why_not) *why_not = std::move(reason);
  return ok;
}

}  // namespace whisper::net
