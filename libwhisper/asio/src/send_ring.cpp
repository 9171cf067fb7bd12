#include "send_ring.hpp"

#include <cerrno>
#include <cstring>
#include <stdexcept>

#ifdef WHISPER_HAVE_IO_URING
#include <liburing.h>
#endif

namespace whisper::net {

#ifdef WHISPER_HAVE_IO_URING

namespace {

std::string setup_error(int error) {
  switch (error) {
    case ENOSYS:
      return "the kernel has no io_uring";
    case EPERM:
      return "io_uring is disabled (sysctl kernel.io_uring_disabled) or refused by a seccomp "
             "profile";
    case ENOMEM:
      return "no memory for an io_uring (RLIMIT_MEMLOCK too low on kernels before 5.12)";
    default:
      return std::string("io_uring_setup failed: ") + std::strerror(error);
  }
}

// COOP_TASKRUN: completions are run when we enter the kernel anyway, not by interrupting
// the thread; SUBMIT_ALL: one send that fails to start does not hold back the others.
// Both are newer than io_uring itself: without them the ring works as well, a little
// slower (kernels before 5.18).
int init_ring(io_uring& ring, unsigned entries) {
  int r = io_uring_queue_init(entries, &ring, IORING_SETUP_COOP_TASKRUN | IORING_SETUP_SUBMIT_ALL);
  if (r == -EINVAL) r = io_uring_queue_init(entries, &ring, 0);
  return r;
}

}  // namespace

bool send_ring::probe(std::string& why_not) {
  io_uring ring{};
  if (const int r = init_ring(ring, 2); r < 0) {
    why_not = setup_error(-r);
    return false;
  }
  bool ok = false;
  if (io_uring_probe* ops = io_uring_get_probe_ring(&ring)) {
    ok = io_uring_opcode_supported(ops, IORING_OP_SENDMSG) != 0;
    io_uring_free_probe(ops);
  }
  io_uring_queue_exit(&ring);
  if (!ok) why_not = "the kernel's io_uring has no IORING_OP_SENDMSG (before 5.3)";
  return ok;
}

std::unique_ptr<send_ring> send_ring::create(const transport_limits& limits, std::string& why_not) {
  auto ring = std::make_unique<io_uring>();
  const unsigned entries = static_cast<unsigned>(limits.batch_sends);
  if (const int r = init_ring(*ring, entries); r < 0) {
    why_not = setup_error(-r);
    return nullptr;
  }
  return std::unique_ptr<send_ring>(new send_ring(std::move(ring), limits, entries));
}

send_ring::send_ring(std::unique_ptr<io_uring> ring, const transport_limits& limits,
                     unsigned entries)
    : ring_(std::move(ring)),
      limits_(limits),
      entries_(entries),
      // Four writes' worth: a turn of small chat frames to a few thousand members fits.
      bytes_(limits.gather_bytes * 4),
      iovecs_(limits.gather_iovecs * 4),
      messages_(entries),
      queued_(entries) {}

send_ring::~send_ring() {
  io_uring_queue_exit(ring_.get());
}

gather_list send_ring::next_gather() {
  // Keep a slice worth writing: at least a quarter of one write, and never less than one
  // copied frame (next_write() must be able to take the first frame).
  const std::size_t min_bytes =
      std::max(limits_.gather_bytes / 4, limits_.copy_threshold_bytes + 14);
  const std::size_t min_iovecs = std::max<std::size_t>(limits_.gather_iovecs / 4, 2);
  if (count_ == entries_ || bytes_.size() - used_bytes_ < min_bytes ||
      iovecs_.size() - used_iovecs_ < min_iovecs) {
    submit();
  }
  return gather_list(bytes_.data() + used_bytes_,
                     std::min(limits_.gather_bytes, bytes_.size() - used_bytes_),
                     iovecs_.data() + used_iovecs_,
                     std::min(limits_.gather_iovecs, iovecs_.size() - used_iovecs_));
}

void send_ring::add(int fd, const gather_list& out, batched_sender* who) {
  msghdr& message = messages_[count_];
  message = msghdr{};
  message.msg_iov = iovecs_.data() + used_iovecs_;
  message.msg_iovlen = out.count();
  io_uring_sqe* sqe = io_uring_get_sqe(ring_.get());
  if (sqe == nullptr) throw std::logic_error("send_ring: the ring is full");  // next_gather()
  // MSG_DONTWAIT: a full socket completes with -EAGAIN instead of waiting in the ring.
  io_uring_prep_sendmsg(sqe, fd, &message, MSG_NOSIGNAL | MSG_DONTWAIT);
  io_uring_sqe_set_data64(sqe, count_);
  queued_[count_] = entry{who, out.total()};
  used_bytes_ += out.copied();
  used_iovecs_ += out.count();
  ++count_;
}

void send_ring::submit() {
  if (count_ == 0) return;
  // Every send is non-blocking and completes during the submission itself; waiting for
  // all of them only covers a signal arriving in between (EINTR), and a kernel without
  // SUBMIT_ALL stopping early (submitted again).
  unsigned reaped = 0;
  int tries = 0;
  while (reaped < count_) {
    if (io_uring_sq_ready(ring_.get()) > 0) {
      const int r = io_uring_submit(ring_.get());
      ++submissions_;
      if (r < 0 && r != -EINTR && r != -EAGAIN && r != -EBUSY) {
        // Nothing of the batch reached the kernel: the ring is unusable. Throwing ends
        // the io thread's run() with the reason (no connection sees torn data).
        throw std::runtime_error(std::string("io_uring_submit: ") + std::strerror(-r));
      }
      if (r < 0 && ++tries > 1000) {
        throw std::runtime_error(std::string("io_uring_submit keeps failing: ") +
                                 std::strerror(-r));
      }
    }
    io_uring_cqe* cqe = nullptr;
    unsigned head = 0;
    unsigned seen = 0;
    io_uring_for_each_cqe(ring_.get(), head, cqe) {
      const entry& e = queued_[io_uring_cqe_get_data64(cqe)];
      e.who->sent(cqe->res, e.attempted);
      ++seen;
    }
    io_uring_cq_advance(ring_.get(), seen);
    reaped += seen;
    if (reaped < count_ && seen == 0 && io_uring_sq_ready(ring_.get()) == 0) {
      const int w = io_uring_wait_cqe(ring_.get(), &cqe);
      if (w < 0 && w != -EINTR && w != -EAGAIN) {
        throw std::runtime_error(std::string("io_uring_wait_cqe: ") + std::strerror(-w));
      }
    }
  }
  sends_ += count_;
  count_ = 0;
  used_bytes_ = 0;
  used_iovecs_ = 0;
}

#else  // a build without liburing: the epoll backend only

bool send_ring::probe(std::string& why_not) {
  why_not = "whisper::asio was built without liburing (WHISPER_WITH_IO_URING=OFF)";
  return false;
}

std::unique_ptr<send_ring> send_ring::create(const transport_limits&, std::string& why_not) {
  probe(why_not);
  return nullptr;
}

send_ring::~send_ring() = default;
gather_list send_ring::next_gather() {
  return gather_list(nullptr, 0, nullptr, 0);
}
void send_ring::add(int, const gather_list&, batched_sender*) {}
void send_ring::submit() {}

#endif

}  // namespace whisper::net
