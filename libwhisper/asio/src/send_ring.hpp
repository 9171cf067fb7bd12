// One io thread's batched send path (io_backend::io_uring): the gathered writes of every
// connection flushed in one loop turn become io_uring SQEs, and the kernel is entered
// once for all of them instead of once per connection. On this kind of machine a system
// call is dear, and a broadcast to N members costs N of them on the epoll path
// (docs/performance-design.md measures both).
//
// Nothing waits inside the ring: every send is MSG_DONTWAIT, so a socket that cannot take
// the bytes completes at once with -EAGAIN (or a short count) and its connection falls
// back to waiting for POLLOUT, as on the epoll path. Every submission is reaped before
// submit() returns, so a batch's buffers only live for the duration of one flush.
#pragma once

#include <sys/socket.h>
#include <sys/uio.h>

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "gather_list.hpp"
#include "whisper/asio/transport_limits.hpp"

struct io_uring;

namespace whisper::net {

/// What a batched send reports to: the connection that queued it.
class batched_sender {
 public:
  /// The send of `attempted` bytes completed: `result` bytes went out (it may be fewer),
  /// or -errno.
  virtual void sent(int result, std::size_t attempted) = 0;

 protected:
  ~batched_sender() = default;
};

/// A ring and the arena its queued sends point into.
///
/// Thread safety: one thread (the worker's io thread); create() there too.
class send_ring {
 public:
  /// Whether a ring with sendmsg can be set up here; `why_not` says why not.
  static bool probe(std::string& why_not);
  /// A ring sized for `limits`, or nullptr with `why_not` set.
  static std::unique_ptr<send_ring> create(const transport_limits& limits, std::string& why_not);
  ~send_ring();
  send_ring(const send_ring&) = delete;
  send_ring& operator=(const send_ring&) = delete;

  /// A gather list over the arena's free part, at most one write's worth (limits); when
  /// the arena or the ring is too full for one more write, the queued sends are
  /// submitted first.
  gather_list next_gather();
  /// Queues a sendmsg of `out` (the list next_gather() gave, filled) on `fd`; `who` hears
  /// the result from submit(), and must live until then.
  void add(int fd, const gather_list& out, batched_sender* who);
  /// Enters the kernel once for every queued send and reports each result.
  void submit();
  /// Sends queued and not submitted yet.
  std::size_t queued() const { return count_; }

  /// Submissions and sends so far (metrics: sends per io_uring_enter).
  std::uint64_t submissions() const { return submissions_; }
  std::uint64_t sends() const { return sends_; }

 private:
  struct entry {
    batched_sender* who;
    std::size_t attempted;
  };
  send_ring(std::unique_ptr<io_uring> ring, const transport_limits& limits, unsigned entries);

  std::unique_ptr<io_uring> ring_;
  const transport_limits limits_;
  const unsigned entries_;
  std::vector<char> bytes_;
  std::vector<iovec> iovecs_;
  std::vector<msghdr> messages_;
  std::vector<entry> queued_;
  std::size_t used_bytes_ = 0;
  std::size_t used_iovecs_ = 0;
  std::size_t count_ = 0;
  std::uint64_t submissions_ = 0;
  std::uint64_t sends_ = 0;
};

}  // namespace whisper::net
