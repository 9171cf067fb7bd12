// A bounded, ordered queue of outbound frames for one WebSocket connection: how the
// transport honours connection::queue's contract (never block, never grow without
// bound, hand the writer everything queued in one batch for one gathered write).
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <vector>

#include "whisper/connection.hpp"

namespace whisper::net {

/// Bounded multi-producer, single-consumer queue of frames.
///
/// Producers (any thread) push; the connection's one writer takes batches. Each item
/// carries a transport-defined `kind` byte (e.g. a WebSocket opcode) so control frames
/// can share the one ordered queue with data frames.
///
/// Thread safety: all members may be called concurrently.
class outbound_queue {
 public:
  struct item {
    payload_ptr payload;
    std::uint8_t kind = 0;
  };

  enum class push_result {
    queued_first,  ///< queued and the queue was empty: the caller should schedule a write
    queued,        ///< queued behind others: a write is already scheduled
    full,          ///< over the bound: nothing queued
    closed,        ///< close() was called: nothing queued
  };

  outbound_queue(std::size_t max_bytes, std::size_t max_frames);

  /// Queues an item unless that would pass the bounds.
  push_result push(payload_ptr payload, std::uint8_t kind = 0);
  /// Queues an item even past the bounds (control frames such as a close or a pong).
  push_result push_unbounded(payload_ptr payload, std::uint8_t kind);

  /// Moves every queued item into `out` (appending) and returns how many were taken.
  /// Their bytes stay counted until release(bytes) is called after they were written.
  /// Taking from an empty queue does not lock (writers poll it after every write).
  std::size_t take(std::vector<item>& out);
  /// Uncounts bytes that were taken and have now been written. Does not lock.
  void release(std::size_t bytes);

  /// Refuses further pushes; taking what is already queued still works.
  void close();
  bool closed() const;
  /// True when nothing is queued (taken-but-unreleased items do not count).
  bool empty() const;
  /// Frees the storage a burst left behind when nothing is queued (the writer keeps it
  /// between batches so pushes do not allocate; an idle connection should not). Bytes
  /// this frees, for tests; 0 when something is queued or nothing was held.
  std::size_t release_storage();

 private:
  push_result push_locked(payload_ptr payload, std::uint8_t kind, bool bounded);

  // The mutex orders pushes and takes; the two counters are also read and, for bytes_,
  // decreased without it (a release only makes the next bound check more lenient,
  // and a take that misses a racing push is followed by the flush that push asks for).
  mutable std::mutex mutex_;
  std::vector<item> items_;
  std::atomic<std::size_t> queued_{0};  // items_.size(), readable without the lock
  std::atomic<std::size_t> bytes_{0};
  std::size_t max_bytes_;
  std::size_t max_frames_;
  bool closed_ = false;
};

}  // namespace whisper::net
