// How whisper::asio hands its WebSocket writes to the kernel: batched through io_uring
// (every connection written in one loop turn goes to the kernel in one io_uring_enter),
// or one sendmsg system call per connection on Asio's epoll reactor.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace whisper::net {

/// The kernel interface for the WebSocket send path (server_options::backend).
enum class io_backend {
  /// io_uring where the kernel allows it, epoll otherwise (detected when the server is
  /// constructed; the log says which one runs and, for epoll, why).
  automatic,
  /// io_uring or nothing: the server refuses to start where io_uring is unavailable.
  io_uring,
  /// Today's path on every kernel: one gathered sendmsg per connection per loop turn.
  epoll,
};

/// "auto", "io_uring", "epoll".
const char* to_string(io_backend backend);

/// The backend named `text` ("auto", "io_uring", "epoll"), or nullopt.
std::optional<io_backend> parse_io_backend(std::string_view text);

/// Whether this build and this kernel can run the io_uring backend. When not, `why_not`
/// (if given) says why in one phrase: a build without liburing, a kernel without
/// io_uring, io_uring disabled by sysctl (kernel.io_uring_disabled) or refused by a
/// seccomp profile (containers' default), or no IORING_OP_SENDMSG.
///
/// Thread safety: any thread.
bool io_uring_available(std::string* why_not = nullptr);

}  // namespace whisper::net
