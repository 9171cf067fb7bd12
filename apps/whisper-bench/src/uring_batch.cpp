#include "uring_batch.hpp"

#include <sys/socket.h>

#include <cerrno>
#include <cstring>

namespace whisper_bench {
namespace {

int init_ring(io_uring& ring, unsigned entries) {
  // Cheaper completions when the kernel offers them (6.0+); plain ring otherwise.
  int result =
      io_uring_queue_init(entries, &ring, IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_COOP_TASKRUN);
  if (result == -EINVAL) result = io_uring_queue_init(entries, &ring, 0);
  return result;
}

}  // namespace

io_choice choose_io(io_mode requested, int uring_error) {
  io_choice choice;
  choice.mode = requested;
  if (requested == io_mode::uring && uring_error != 0) {
    choice.mode = io_mode::epoll;
    choice.message = std::string("io_uring is not available here (") + std::strerror(-uring_error) +
                     "); falling back to --io epoll, one syscall per read and per write";
  }
  return choice;
}

int probe_uring() {
  io_uring ring{};
  const int result = init_ring(ring, 8);
  if (result == 0) io_uring_queue_exit(&ring);
  return result;
}

const char* io_mode_name(io_mode mode) {
  return mode == io_mode::uring ? "uring" : "epoll";
}

uring_batch::uring_batch(unsigned entries) : error_(init_ring(ring_, entries)) {}

uring_batch::~uring_batch() {
  if (error_ == 0) io_uring_queue_exit(&ring_);
}

bool uring_batch::queue_recv(int fd, char* buffer, std::size_t size, std::uint64_t key) {
  io_uring_sqe* sqe = error_ == 0 ? io_uring_get_sqe(&ring_) : nullptr;
  if (sqe == nullptr) return false;
  io_uring_prep_recv(sqe, fd, buffer, size, MSG_DONTWAIT);
  io_uring_sqe_set_data64(sqe, key);
  ++queued_;
  return true;
}

bool uring_batch::queue_send(int fd, const char* data, std::size_t size, std::uint64_t key) {
  io_uring_sqe* sqe = error_ == 0 ? io_uring_get_sqe(&ring_) : nullptr;
  if (sqe == nullptr) return false;
  io_uring_prep_send(sqe, fd, data, size, MSG_DONTWAIT | MSG_NOSIGNAL);
  io_uring_sqe_set_data64(sqe, key);
  ++queued_;
  return true;
}

bool uring_batch::enter(unsigned wait_for) {
  // MSG_DONTWAIT makes every operation complete inline, so this wait is short; the
  // retry only covers a signal arriving during the enter.
  for (int attempt = 0; attempt < 100; ++attempt) {
    const int result = io_uring_submit_and_wait(&ring_, wait_for);
    if (result >= 0) return true;
    if (result != -EINTR && result != -EAGAIN && result != -EBUSY) break;
  }
  queued_ = 0;  // lost: the callers' level-triggered readiness brings them back
  return false;
}

}  // namespace whisper_bench
