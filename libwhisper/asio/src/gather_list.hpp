// The iovecs of one gathered write: small frames copied, header and payload, into a
// buffer so a batch of chat frames leaves as one iovec; large payloads referenced in
// place from the one shared buffer, never copied per recipient.
#pragma once

#include <sys/uio.h>

#include <cstddef>
#include <cstring>
#include <string_view>
#include <vector>

#include "whisper/asio/transport_limits.hpp"

namespace whisper::net {

/// The io thread's gather buffer and iovec array, shared by its connections: filled and
/// handed to the kernel within one write. Grown to the largest limits asked for, never
/// shrunk, and never value-initialised per call: a write reads only the first `count`
/// iovecs, and zeroing the array per call was 37% of a delivery's user-space cost
/// (callgrind).
///
/// Thread safety: of_this_thread() gives each thread its own.
struct gather_space {
  std::vector<char> bytes;
  std::vector<iovec> iovecs;

  static gather_space& of_this_thread(const transport_limits& limits) {
    thread_local gather_space space;
    if (space.bytes.size() < limits.gather_bytes) space.bytes.resize(limits.gather_bytes);
    if (space.iovecs.size() < limits.gather_iovecs) space.iovecs.resize(limits.gather_iovecs);
    return space;
  }
};

/// Builds the iovecs of one write: copied runs in the gather buffer merge into one.
///
/// Thread safety: one thread (it fills that thread's gather_space).
class gather_list {
 public:
  gather_list(gather_space& space, const transport_limits& limits)
      : buffer_(space.bytes.data()),
        iov_(space.iovecs.data()),
        max_bytes_(limits.gather_bytes),
        max_iovecs_(limits.gather_iovecs) {}
  /// Over a slice of a batch's arena (send_ring): `max_bytes` and `max_iovecs` free there.
  gather_list(char* buffer, std::size_t max_bytes, iovec* iov, std::size_t max_iovecs)
      : buffer_(buffer), iov_(iov), max_bytes_(max_bytes), max_iovecs_(max_iovecs) {}

  /// Whether a frame that copies `copied_bytes` (and may refer to one payload) fits.
  bool room_for(std::size_t copied_bytes) const {
    return count_ + 2 <= max_iovecs_ && used_ + copied_bytes <= max_bytes_;
  }
  /// Where the next copied bytes go: the caller writes a header and payload there in
  /// place (room_for said they fit), then commit()s them.
  char* reserve() { return buffer_ + used_; }
  void commit(char* at, std::size_t size) { append(at, size); }
  void copy(std::string_view part) {
    if (part.empty()) return;
    char* at = buffer_ + used_;
    std::memcpy(at, part.data(), part.size());
    append(at, part.size());
  }
  void refer(std::string_view part) {
    if (!part.empty()) add(const_cast<char*>(part.data()), part.size());
  }
  iovec* data() { return iov_; }
  std::size_t count() const { return count_; }
  /// Bytes copied into the buffer so far.
  std::size_t copied() const { return used_; }
  /// Bytes the iovecs cover (copied and referenced).
  std::size_t total() const {
    std::size_t sum = 0;
    for (std::size_t i = 0; i < count_; ++i) sum += iov_[i].iov_len;
    return sum;
  }

 private:
  // Copied bytes at the end of the buffer: they extend the last iovec when it ends there.
  void append(char* at, std::size_t size) {
    used_ += size;
    if (count_ > 0 &&
        static_cast<char*>(iov_[count_ - 1].iov_base) + iov_[count_ - 1].iov_len == at) {
      iov_[count_ - 1].iov_len += size;
      return;
    }
    add(at, size);
  }
  void add(char* at, std::size_t size) {
    iov_[count_].iov_base = at;
    iov_[count_].iov_len = size;
    ++count_;
  }

  char* buffer_;
  iovec* iov_;
  std::size_t max_bytes_;
  std::size_t max_iovecs_;
  std::size_t count_ = 0;
  std::size_t used_ = 0;
};

}  // namespace whisper::net
