// Bounded MPSC frame queue. Bytes are counted from push until release(), so frames a
// writer has taken but not yet written still weigh against the bound.
#include "whisper/outbound_queue.hpp"

#include <algorithm>
#include <iterator>

namespace whisper {

outbound_queue::outbound_queue(std::size_t max_bytes, std::size_t max_frames)
    : max_bytes_(max_bytes), max_frames_(max_frames) {}

outbound_queue::push_result outbound_queue::push(frame_ptr payload, std::uint8_t kind) {
  return push_locked(std::move(payload), kind, true);
}

outbound_queue::push_result outbound_queue::push_unbounded(frame_ptr payload, std::uint8_t kind) {
  return push_locked(std::move(payload), kind, false);
}

outbound_queue::push_result outbound_queue::push_locked(frame_ptr payload, std::uint8_t kind,
                                                        bool bounded) {
  const std::size_t size = payload ? payload->size() : 0;
  std::lock_guard<std::mutex> lock(mutex_);
  if (closed_) return push_result::closed;
  if (bounded && (bytes_ + size > max_bytes_ || items_.size() >= max_frames_)) {
    return push_result::full;
  }
  const bool was_empty = items_.empty();
  items_.push_back(item{std::move(payload), kind});
  bytes_ += size;
  return was_empty ? push_result::queued_first : push_result::queued;
}

std::size_t outbound_queue::take(std::vector<item>& out) {
  std::lock_guard<std::mutex> lock(mutex_);
  const std::size_t n = items_.size();
  out.insert(out.end(), std::make_move_iterator(items_.begin()),
             std::make_move_iterator(items_.end()));
  items_.clear();  // keeps its capacity: no allocation on the next pushes
  return n;
}

void outbound_queue::release(std::size_t bytes) {
  std::lock_guard<std::mutex> lock(mutex_);
  bytes_ -= std::min(bytes, bytes_);  // never wraps, even if a writer over-releases
}

void outbound_queue::close() {
  std::lock_guard<std::mutex> lock(mutex_);
  closed_ = true;
}

bool outbound_queue::closed() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return closed_;
}

std::size_t outbound_queue::bytes() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return bytes_;
}

bool outbound_queue::empty() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return items_.empty();
}

}  // namespace whisper
