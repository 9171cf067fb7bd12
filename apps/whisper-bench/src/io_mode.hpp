// How the bench does its socket I/O, and the choice between the two ways.
//
// Thread safety: the functions are safe to call from any thread.
#pragma once

#include <string>

namespace whisper_bench {

enum class io_mode { epoll, uring };

// What the bench runs with: the request, or epoll with a one-sentence reason when the
// request was io_uring and setting up a ring failed with `uring_error` (-errno, 0: ok).
struct io_choice {
  io_mode mode = io_mode::epoll;
  std::string message;  // empty unless we fell back
};
io_choice choose_io(io_mode requested, int uring_error);
// Tries to set up (and tears down) a small ring: 0, or -errno (e.g. -EPERM under seccomp).
int probe_uring();
const char* io_mode_name(io_mode mode);

}  // namespace whisper_bench
