// Batched kernel I/O through io_uring: queue many sends or receives, then enter the
// kernel once for all of them. On a machine where a syscall is dear this turns one
// syscall per socket into one per loop turn.
//
// Every operation is queued with MSG_DONTWAIT, so it completes inside the submitting
// io_uring_enter (data, or -EAGAIN): complete_all() never waits on a peer, and the
// caller's readiness wait (epoll) stays the only place the loop sleeps.
//
// Thread safety: distinct objects safe, shared unsafe; create it on the thread that
// uses it (the ring is set up for a single issuer).
#pragma once

#include <liburing.h>

#include <cstddef>
#include <cstdint>

#include "io_mode.hpp"

namespace whisper_bench {

class uring_batch {
 public:
  // `entries`: operations one submission can hold (queue_* returns false beyond it).
  explicit uring_batch(unsigned entries);
  ~uring_batch();
  uring_batch(const uring_batch&) = delete;
  uring_batch& operator=(const uring_batch&) = delete;

  // 0 when the ring works, else -errno from io_uring_queue_init.
  int error() const { return error_; }

  // Queue one operation; `key` comes back with its completion. False when the
  // submission queue is full: call complete_all() and queue again.
  bool queue_recv(int fd, char* buffer, std::size_t size, std::uint64_t key);
  bool queue_send(int fd, const char* data, std::size_t size, std::uint64_t key);
  std::size_t queued() const { return queued_; }

  // Submits everything queued with one io_uring_enter, waits for all of it to
  // complete and calls on_done(key, result) per operation (result: bytes, or -errno).
  template <class F>
  void complete_all(F&& on_done);

 private:
  bool enter(unsigned wait_for);

  io_uring ring_{};
  int error_ = 0;
  std::size_t queued_ = 0;
};

template <class F>
void uring_batch::complete_all(F&& on_done) {
  if (queued_ == 0 || !enter(static_cast<unsigned>(queued_))) return;
  unsigned seen = 0;
  io_uring_cqe* cqe = nullptr;
  unsigned head = 0;
  io_uring_for_each_cqe(&ring_, head, cqe) {
    on_done(io_uring_cqe_get_data64(cqe), cqe->res);
    ++seen;
  }
  io_uring_cq_advance(&ring_, seen);
  queued_ -= seen < queued_ ? seen : queued_;
}

}  // namespace whisper_bench
