// The bench's batched receive step: once the readiness wait has said which sockets
// are readable, one recv per socket is submitted in a single io_uring_enter, each into
// its own slice of one shared area, and the bytes are handed on per socket.
//
// A slice may be smaller than what the socket holds (many readable sockets share the
// area): the rest stays in the kernel and the socket is reported readable again on the
// next turn, so every byte still arrives, in order.
//
// Thread safety: distinct objects safe, shared unsafe (one per loop thread).
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "uring_batch.hpp"

namespace whisper_bench {

struct recv_request {
  int fd = -1;
  std::uint64_t key = 0;  // handed back with the bytes
};

class batch_receiver {
 public:
  // `area_bytes` is shared by one batch; each socket gets at least `min_slice` bytes of
  // it (fewer sockets per kernel entry beyond area_bytes / min_slice).
  explicit batch_receiver(std::size_t area_bytes = std::size_t{2} << 20,
                          std::size_t min_slice = 4096, unsigned ring_entries = 1024);

  int error() const { return ring_.error(); }
  // The ring, for the loop's batched sends between receives.
  uring_batch& ring() { return ring_; }

  // One recv per request; on_data(key, data, result) for each, result = bytes (0: the
  // peer closed) or -errno, with `data` valid only during the call.
  template <class F>
  void receive(const std::vector<recv_request>& requests, F&& on_data);

 private:
  std::vector<char> area_;
  std::size_t min_slice_;
  std::size_t ring_entries_;
  uring_batch ring_;
  std::vector<std::size_t> slice_of_;  // per request index of the batch: offset in area_
};

template <class F>
void batch_receiver::receive(const std::vector<recv_request>& requests, F&& on_data) {
  const std::size_t per_batch =
      std::clamp<std::size_t>(area_.size() / min_slice_, 1, ring_entries_);
  for (std::size_t first = 0; first < requests.size(); first += per_batch) {
    const std::size_t count = std::min(per_batch, requests.size() - first);
    const std::size_t slice = area_.size() / count;
    slice_of_.clear();
    for (std::size_t i = 0; i < count; ++i) {
      // A full queue cannot happen (per_batch <= entries); if it did, the sockets left
      // out stay readable and come back on the next turn.
      if (!ring_.queue_recv(requests[first + i].fd, area_.data() + i * slice, slice, i)) break;
      slice_of_.push_back(i * slice);
    }
    ring_.complete_all([&](std::uint64_t i, int result) {
      if (i >= slice_of_.size()) return;
      on_data(requests[first + i].key, area_.data() + slice_of_[i], result);
    });
  }
}

}  // namespace whisper_bench
