#include "worker.hpp"

#include <spdlog/spdlog.h>

#include <asio/post.hpp>
#include <iterator>
#include <vector>

namespace whisper::net {

namespace {
// Timeouts are whole seconds; a quarter second is precise enough and cheap when idle.
constexpr std::chrono::milliseconds sweep_interval{250};
}  // namespace

worker::worker(server_context& context)
    : context_(context),
      io_(std::make_shared<asio::io_context>(1)),
      guard_(asio::make_work_guard(*io_)),
      sweep_timer_(*io_),
      now_(std::chrono::steady_clock::now()) {}

worker::worker(server_context& context, asio::io_context& embedder_io)
    // Not owned: the shared pointer only lends the embedder's io_context (no deleter).
    : context_(context),
      io_(std::shared_ptr<asio::io_context>(std::shared_ptr<asio::io_context>(), &embedder_io)),
      sweep_timer_(*io_),
      now_(std::chrono::steady_clock::now()) {}

worker::~worker() {
  // Sessions own sockets of this io_context: end them while it is still alive.
  connections_.clear();
  ring_.reset();
  scheduled_.clear();
  flushing_.clear();
  inbox_.clear();
}

void worker::add(std::shared_ptr<tracked_connection> s) {
  tracked_connection* key = s.get();
  connections_.emplace(key, std::move(s));
  context_.live_connections.fetch_add(1, std::memory_order_relaxed);
}

void worker::remove(tracked_connection* s) {
  if (connections_.erase(s) > 0) context_.live_connections.fetch_sub(1, std::memory_order_relaxed);
}

void worker::start_sweep() {
  sweep();
}

void worker::sweep() {
  now_ = std::chrono::steady_clock::now();
  // Snapshot: a tick may end its connection, which removes it from the map.
  std::vector<std::shared_ptr<tracked_connection>> snapshot;
  snapshot.reserve(connections_.size());
  for (const auto& entry : connections_) snapshot.push_back(entry.second);
  for (const auto& s : snapshot) s->tick(now_);
  sweep_timer_.expires_after(sweep_interval);
  sweep_timer_.async_wait([this](const asio::error_code& ec) {
    if (!ec) sweep();
  });
}

void worker::shutdown_all() {
  std::vector<std::shared_ptr<tracked_connection>> snapshot;
  for (const auto& entry : connections_) snapshot.push_back(entry.second);
  for (const auto& s : snapshot) s->shutdown();
}

void worker::abort_all() {
  std::vector<std::shared_ptr<tracked_connection>> snapshot;
  for (const auto& entry : connections_) snapshot.push_back(entry.second);
  for (const auto& s : snapshot) s->abort();  // each removes itself
}

void worker::stop() {
  if (guard_) {
    io_->stop();
    return;
  }
  sweep_timer_.cancel();  // the embedder's loop runs on; ours ends with the last handler
}

void worker::schedule_flush(std::shared_ptr<queued_writer> writer) {
  if (io_->get_executor().running_in_this_thread()) {
    // The common case: a broadcast from a connection of this thread (in-process layer).
    scheduled_.push_back(std::move(writer));
    if (!flush_posted_) {
      flush_posted_ = true;
      turn_started_ = std::chrono::steady_clock::now();
      asio::post(*io_, [this] { flush_scheduled(); });
    }
    return;
  }
  std::lock_guard<std::mutex> lock(inbox_mutex_);
  inbox_.push_back(std::move(writer));
  if (!inbox_posted_) {
    inbox_posted_ = true;
    inbox_started_ = std::chrono::steady_clock::now();
    asio::post(*io_, [this] { flush_inbox(); });
  }
}

void worker::flush_scheduled() {
  flush_posted_ = false;
  const steady_time started = turn_started_;  // a writer asked again starts the next turn
  // Swap first: a flush may schedule its writer again (more than one turn's worth
  // queued), and that belongs to the next turn, after the other connections.
  flushing_.swap(scheduled_);
  if (send_ring* ring = batch_ring()) {
    const std::uint64_t submissions = ring->submissions();
    const std::uint64_t sends = ring->sends();
    for (const auto& writer : flushing_) writer->flush_batched(*ring);
    ring->submit();  // before clear(): the ring's senders must be alive to hear back
    context_.stats.batch_submissions.fetch_add(ring->submissions() - submissions,
                                               std::memory_order_relaxed);
    context_.stats.batched_sends.fetch_add(ring->sends() - sends, std::memory_order_relaxed);
  } else {
    for (const auto& writer : flushing_) writer->flush_queued();
  }
  context_.stats.write_turns.observe(std::chrono::steady_clock::now() - started);
  flushing_.clear();
}

send_ring* worker::batch_ring() {
  if (ring_ || ring_failed_ || context_.options.backend != io_backend::io_uring) return ring_.get();
  std::string why_not;
  ring_ = send_ring::create(context_.options.transport, why_not);
  if (!ring_) {
    ring_failed_ = true;
    spdlog::warn("io thread: no io_uring ({}); this thread writes with sendmsg", why_not);
  }
  return ring_.get();
}

void worker::flush_inbox() {
  {
    std::lock_guard<std::mutex> lock(inbox_mutex_);
    inbox_posted_ = false;
    if (!flush_posted_) turn_started_ = inbox_started_;
    // Joined to this turn's own list, flushed outside the lock.
    scheduled_.insert(scheduled_.end(), std::make_move_iterator(inbox_.begin()),
                      std::make_move_iterator(inbox_.end()));
    inbox_.clear();
  }
  if (!flush_posted_) flush_scheduled();
}

char* worker::read_buffer() {
  // One per thread, grown to the largest size asked for (two servers of one process may
  // be configured differently); never shrunk, so the read path does not allocate.
  thread_local std::vector<char> buffer;
  if (buffer.size() < read_buffer_size()) buffer.resize(read_buffer_size());
  return buffer.data();
}

}  // namespace whisper::net
