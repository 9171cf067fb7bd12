// The Redis channel layer: groups span every whisper process that points at the same
// Redis (the original's CHANNEL_LAYERS = channels_redis on localhost:6379).
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>

#include "whisper/channel_layer.hpp"
#include "whisper/redis_url.hpp"

namespace asio {
class io_context;
}

namespace whisper {

/// Counters of the Redis layer, updated with relaxed atomics (read at any time).
struct redis_layer_stats {
  std::atomic<bool> connected{false};  ///< both connections (publish, subscribe) are up
  std::atomic<std::uint64_t> reconnects{0};
  /// Connections closed because Redis stopped answering (see health_check_timeout).
  std::atomic<std::uint64_t> health_check_failures{0};
  std::atomic<std::uint64_t> publish_failures{0};  ///< PUBLISHes not sent: Redis was down
  std::atomic<std::uint64_t> messages_published{0};
  std::atomic<std::uint64_t> messages_received{0};  ///< from other processes
};

/// A channel layer whose groups span processes through Redis pub/sub.
///
/// How it works. Receivers and group membership are kept in this process; channel names
/// are "<prefix>.<process id>!<n>". group_send delivers at once, on the calling thread,
/// to the group's local members, and issues ONE `PUBLISH <prefix>:group:<group>` carrying
/// serialize_event() of the event tagged with this process's id, whatever the number of
/// processes and members. Each process subscribes only to the groups it has local
/// members in (SUBSCRIBE on the first, UNSUBSCRIBE after the last leaves) and to its own
/// "<prefix>:process:<id>" (for send() to one of its channels). A received event is
/// decoded once (deserialize_event re-encodes its wire frame once) and the same
/// event_ptr is delivered to every local member; events this process published itself
/// are skipped, as their local members already have them. group_add() accepts only
/// channels registered in this process (others are ignored).
///
/// Faults. Redis going away never drops a local connection and never stops local
/// delivery: rooms keep working within each process, PUBLISHes that cannot be sent are
/// counted (stats().publish_failures) and dropped, and both connections reconnect with
/// exponential backoff (options.reconnect_backoff_min..max, jittered); the outage is
/// logged once. On reconnect every group that still has local members is subscribed
/// again. While Redis is down a client misses the events published by other processes,
/// and nothing is replayed afterwards (Redis pub/sub keeps no history). A Redis that
/// hangs without closing the connection holds at most options.max_pending_publishes
/// unanswered PUBLISHes; later ones are dropped and counted. The health check
/// (options.health_check_interval, health_check_timeout) declares such a connection
/// dead once a command or probe has waited health_check_timeout: stats().connected turns
/// false, the waiting PUBLISHes fail (counted), and the reconnect path above takes over,
/// succeeding once Redis answers again. Publishes made between start() and the very
/// first connection wait for it (up to 1024).
///
/// Threads. All Redis I/O runs on a strand of the io_context handed to the constructor;
/// some thread of the embedder must run that io_context. Calls return at once (the Redis
/// work is posted); deliveries of remote events run on the io_context's thread. The
/// io_context must outlive the layer.
///
/// Thread safety: every channel_layer member may be called concurrently from any thread.
/// start() and stop() must not be called concurrently with each other.
class redis_channel_layer final : public channel_layer {
 public:
  redis_channel_layer(asio::io_context& io, redis_options options);
  /// Calls stop().
  ~redis_channel_layer() override;
  redis_channel_layer(const redis_channel_layer&) = delete;
  redis_channel_layer& operator=(const redis_channel_layer&) = delete;

  /// Checks once that Redis answers (blocking the caller for at most
  /// options.connect_timeout), then connects both connections asynchronously on the
  /// io_context. Throws std::runtime_error ("cannot reach Redis at ...: <why> — start
  /// redis-server or set redis_url") if Redis does not answer, unless
  /// options.retry_on_start; throws std::invalid_argument for a bad URL.
  void start();
  /// Closes both connections. Waits (bounded) for the io_context's thread to do it if
  /// that thread is running; safe to call from that thread. Idempotent.
  void stop();

  std::string add_channel(std::shared_ptr<channel> receiver) override;
  void remove_channel(const std::string& channel_name) override;
  void group_add(const std::string& group, const std::string& channel_name) override;
  void group_discard(const std::string& group, const std::string& channel_name) override;
  void group_send(const std::string& group, event_ptr e) override;
  void send(const std::string& channel_name, event_ptr e) override;

  /// This process's id (a random UUID), part of each channel name.
  const std::string& process_id() const;
  /// Number of local members of a group.
  std::size_t group_size(const std::string& group) const;
  const redis_layer_stats& stats() const;

 private:
  struct state;
  std::shared_ptr<state> state_;
};

}  // namespace whisper
