// The bounded queue in front of asio::thread_pool.
#include "http/password_worker.hpp"

#include <asio/post.hpp>

namespace whisper_server {

password_worker::password_worker(std::size_t threads, std::size_t max_pending)
    : pool_(threads == 0 ? 1 : threads), max_pending_(max_pending) {}

password_worker::~password_worker() {
  pool_.join();
}

bool password_worker::try_post(std::function<void()> job) {
  if (pending_.fetch_add(1) >= max_pending_) {
    pending_.fetch_sub(1);
    return false;
  }
  asio::post(pool_, [this, job = std::move(job)] {
    // A throwing job must not take the pool thread down; the job answers its own errors.
    try {
      job();
    } catch (...) {
    }
    pending_.fetch_sub(1);
  });
  return true;
}

}  // namespace whisper_server
