// One asynchronous connection to Redis (a hiredis context on an Asio strand): connect
// with a timeout, AUTH/SELECT/PING, commands with completion callbacks, and pub/sub
// replies delivered to one handler.
#pragma once

#include <asio/steady_timer.hpp>
#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "asio_hiredis_adapter.hpp"
#include "connection_health.hpp"
#include "whisper/redis_url.hpp"

struct redisReply;

namespace whisper::redis_detail {

/// Thread safety: every member must be called on the strand; callbacks run on it.
/// Call close() (on the strand) before the last reference is dropped.
class redis_client : public std::enable_shared_from_this<redis_client> {
 public:
  /// A command's reply; null when the connection went away before the reply came.
  using reply_fn = std::function<void(const redisReply* reply)>;
  /// "" once Redis answered PING; otherwise why the connection could not be made.
  using connect_fn = std::function<void(const std::string& error)>;
  /// An established connection was lost (not called after close()).
  using lost_fn = std::function<void(const std::string& reason)>;

  redis_client(strand_type strand, redis_url url, std::chrono::milliseconds timeout);
  ~redis_client();
  redis_client(const redis_client&) = delete;
  redis_client& operator=(const redis_client&) = delete;

  void connect(connect_fn done, lost_fn lost);
  bool connected() const { return ready_; }
  /// Queues a command; false (and `done` is not called) if not connected.
  bool command(const std::vector<std::string>& args, reply_fn done);
  /// For SUBSCRIBE/UNSUBSCRIBE: every reply, including each later pub/sub message, goes to
  /// the handler set here.
  void set_push_handler(reply_fn handler) { push_ = std::move(handler); }
  bool push_command(const std::vector<std::string>& args);
  /// Frees the context; pending callbacks get a null reply. Idempotent.
  void close();
  /// Reads (without waiting) whatever Redis already sent, running its callbacks: a
  /// health check that finds a command overdue calls it first, so a reply that arrived
  /// while this thread was held up is not mistaken for silence.
  void read_now();
  /// This connection's traffic as the health check sees it (disabled until the owner
  /// assigns an enabled one).
  connection_health& health() { return health_; }

 private:
  static void on_connect(const redisAsyncContext* ac, int status);
  static void on_disconnect(const redisAsyncContext* ac, int status);
  static void on_reply(redisAsyncContext* ac, void* reply, void* privdata);
  static void on_push(redisAsyncContext* ac, void* reply, void* privdata);
  bool send(const std::vector<std::string>& args, void (*fn)(redisAsyncContext*, void*, void*),
            void* privdata, std::size_t replies);
  void handshake();
  void finish_connect(const std::string& error);
  void fail_connect(const std::string& error);

  strand_type strand_;
  redis_url url_;
  std::chrono::milliseconds timeout_;
  asio::steady_timer timer_;
  redisAsyncContext* ac_ = nullptr;
  bool ready_ = false;  // PING answered
  connect_fn connect_done_;
  lost_fn lost_;
  reply_fn push_;
  connection_health health_;
};

}  // namespace whisper::redis_detail
