// The small thread pool where Argon2 runs, away from the network threads.
#pragma once

#include <asio/thread_pool.hpp>
#include <atomic>
#include <cstddef>
#include <functional>

namespace whisper_server {

/// Size of the password pool. Plain aggregate.
///
/// Thread safety: distinct objects safe; a shared object is safe for concurrent reads.
struct password_pool_limits {
  /// Argon2 threads at most (fewer on a machine with fewer cores): hashing is
  /// memory-hard, and chat must keep its cores.
  unsigned max_threads = 2;
  /// Password jobs waiting at most; past it logins are answered 503 at once, so a login
  /// flood cannot queue unbounded memory or latency.
  std::size_t max_pending = 64;
};

/// Runs slow password work (hash, verify) on its own threads, with a bound on the work
/// waiting: past it, try_post() refuses and the caller answers 503, so a login flood
/// cannot queue unbounded memory or latency.
///
/// Thread safety: try_post() may be called from any thread. The destructor waits for
/// work already posted.
class password_worker {
 public:
  password_worker(std::size_t threads, std::size_t max_pending);
  ~password_worker();
  password_worker(const password_worker&) = delete;
  password_worker& operator=(const password_worker&) = delete;

  /// Queues `job`; false (job not run) when max_pending jobs are already waiting.
  bool try_post(std::function<void()> job);
  /// Waits for every queued job to finish (call before what the jobs use is destroyed).
  void drain() { pool_.join(); }

 private:
  asio::thread_pool pool_;
  const std::size_t max_pending_;
  std::atomic<std::size_t> pending_{0};
};

}  // namespace whisper_server
