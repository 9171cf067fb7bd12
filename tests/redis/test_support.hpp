// Helpers shared by the Redis tests: an io_context on its own thread (one per simulated
// process), a channel that records what it receives, and bounded waiting.
#pragma once

#include <asio/executor_work_guard.hpp>
#include <asio/io_context.hpp>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

#include "whisper/channel_layer.hpp"

namespace whisper::test {

/// Runs an io_context on a thread until destroyed (the "event loop of one process").
class io_thread {
 public:
  io_thread() : guard_(io_.get_executor()), thread_([this] { io_.run(); }) {}
  ~io_thread() { stop(); }
  void stop() {
    guard_.reset();
    io_.stop();
    if (thread_.joinable()) thread_.join();
  }
  asio::io_context& io() { return io_; }

 private:
  asio::io_context io_;
  asio::executor_work_guard<asio::io_context::executor_type> guard_;
  std::thread thread_;
};

/// Records every event delivered to it. Thread safety: all members are thread-safe.
class recording_channel final : public channel {
 public:
  void deliver(const event_ptr& e) override {
    std::lock_guard lock(mutex_);
    events_.push_back(e);
    changed_.notify_all();
  }
  std::vector<event_ptr> events() const {
    std::lock_guard lock(mutex_);
    return events_;
  }
  std::size_t count() const {
    std::lock_guard lock(mutex_);
    return events_.size();
  }
  /// Waits until at least `n` events arrived; false after `limit`.
  bool wait_for(std::size_t n, std::chrono::milliseconds limit = std::chrono::seconds(5)) {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, limit, [&] { return events_.size() >= n; });
  }

 private:
  mutable std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<event_ptr> events_;
};

/// Polls `done` every 5 ms until it holds or `limit` passes.
inline bool eventually(const std::function<bool()>& done,
                       std::chrono::milliseconds limit = std::chrono::seconds(5)) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (!done()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return true;
}

}  // namespace whisper::test
