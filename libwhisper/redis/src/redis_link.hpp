// A Redis connection that heals itself: reconnects with exponential backoff after a
// failure, logs the outage once, and tells its owner when it is up or down. A Redis that
// hangs with the connection open is caught by a health check (periodic probes, and a
// deadline on every answer) and handled like a lost connection.
#pragma once

#include <asio/steady_timer.hpp>
#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <random>
#include <string>

#include "redis_client.hpp"
#include "whisper/redis_url.hpp"

namespace whisper::redis_detail {

/// Thread safety: every member must be called on the strand; callbacks run on it.
class redis_link : public std::enable_shared_from_this<redis_link> {
 public:
  struct handlers {
    std::function<void(redis_client&)> up;  ///< connected (first time or again)
    std::function<void()> down;             ///< the connection was lost
    /// Sends the health-check probe, a command Redis answers; null: PING. (A subscribed
    /// connection needs another: hiredis 0.14 cannot match PING's reply there.)
    std::function<bool(redis_client&)> probe;
  };

  redis_link(strand_type strand, redis_url url, const redis_options& options, std::string role,
             handlers on);

  /// Starts connecting (and keeps retrying until stop()).
  void start();
  void stop();
  /// The live connection, or null while Redis is unreachable.
  redis_client* client() { return client_ && client_->connected() ? client_.get() : nullptr; }
  /// Successful reconnections after a loss (not the first connection).
  std::uint64_t reconnects() const { return reconnects_; }
  /// Connections closed because Redis left a command unanswered past
  /// options.health_check_timeout.
  std::uint64_t health_check_failures() const { return health_check_failures_; }

 private:
  void attempt();
  void on_connected(const std::string& error);
  void on_lost(const std::string& reason);
  void retry_later();
  void check_health_later();
  void check_health();
  void log(int level, const std::string& text) const;

  strand_type strand_;
  redis_url url_;
  redis_options options_;
  std::string role_;
  handlers on_;
  asio::steady_timer retry_timer_;
  asio::steady_timer health_timer_;
  std::shared_ptr<redis_client> client_;
  std::minstd_rand jitter_{std::random_device{}()};
  int failures_ = 0;  // consecutive failed attempts
  bool ever_connected_ = false;
  bool outage_logged_ = false;
  bool stopped_ = false;
  std::uint64_t reconnects_ = 0;
  std::uint64_t health_check_failures_ = 0;
};

}  // namespace whisper::redis_detail
