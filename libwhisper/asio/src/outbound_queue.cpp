// Bounded MPSC frame queue. Bytes are counted from push until release(), so frames a
// writer has taken but not yet written still weigh against the bound.
#include "outbound_queue.hpp"

#include <algorithm>
#include <iterator>

namespace whisper::net {

outbound_queue::outbound_queue(std::size_t max_bytes, std::size_t max_frames)
    : max_bytes_(max_bytes), max_frames_(max_frames) {}

outbound_queue::push_result outbound_queue::push(payload_ptr payload, std::uint8_t kind) {
  return push_locked(std::move(payload), kind, true);
}

outbound_queue::push_result outbound_queue::push_unbounded(payload_ptr payload, std::uint8_t kind) {
  return push_locked(std::move(payload), kind, false);
}

outbound_queue::push_result outbound_queue::push_locked(payload_ptr payload, std::uint8_t kind,
                                                        bool bounded) {
  const std::size_t size = payload ? payload->size() : 0;
  std::lock_guard<std::mutex> lock(mutex_);
  if (closed_) return push_result::closed;
  if (bounded && (bytes_.load(std::memory_order_relaxed) + size > max_bytes_ ||
                  items_.size() >= max_frames_)) {
    return push_result::full;
  }
  const bool was_empty = items_.empty();
  items_.push_back(item{std::move(payload), kind});
  queued_.store(items_.size(), std::memory_order_release);
  bytes_.fetch_add(size, std::memory_order_relaxed);
  return was_empty ? push_result::queued_first : push_result::queued;
}

std::size_t outbound_queue::take(std::vector<item>& out) {
  if (queued_.load(std::memory_order_acquire) == 0) return 0;
  std::lock_guard<std::mutex> lock(mutex_);
  const std::size_t n = items_.size();
  out.insert(out.end(), std::make_move_iterator(items_.begin()),
             std::make_move_iterator(items_.end()));
  items_.clear();  // keeps its capacity: no allocation on the next pushes
  queued_.store(0, std::memory_order_release);
  return n;
}

void outbound_queue::release(std::size_t bytes) {
  std::size_t current = bytes_.load(std::memory_order_relaxed);
  // Never wraps, even if a writer over-releases.
  while (!bytes_.compare_exchange_weak(current, current - std::min(bytes, current),
                                       std::memory_order_relaxed)) {
  }
}

void outbound_queue::close() {
  std::lock_guard<std::mutex> lock(mutex_);
  closed_ = true;
}

bool outbound_queue::closed() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return closed_;
}

std::size_t outbound_queue::release_storage() {
  if (queued_.load(std::memory_order_acquire) != 0) return 0;
  std::lock_guard<std::mutex> lock(mutex_);
  if (!items_.empty()) return 0;
  const std::size_t freed = items_.capacity() * sizeof(item);
  std::vector<item>().swap(items_);
  return freed;
}

bool outbound_queue::empty() const {
  return queued_.load(std::memory_order_acquire) == 0;
}

}  // namespace whisper::net
