// Presence shared by every whisper process through Redis, so room_users lists the users
// of a room whichever process their connections are on.
#pragma once

#include <chrono>
#include <memory>

#include "whisper/presence.hpp"
#include "whisper/redis_url.hpp"

namespace asio {
class io_context;
}

namespace whisper {

/// Presence kept in one Redis hash per room, "<prefix>:presence:<room id>":
///   - field "u:<user id>" = {"username": ..., "name": ..., "last_update": <epoch s>}
///     (the last write by any process wins);
///   - field "c:<user id>:<process id>" = how many connections of that user this
///     process has in the room (absent when none).
/// A user is listed as left when no process counts a connection any more. Counting per
/// process (each process writes only its own fields, with absolute values, never
/// increments) keeps the counts exact when updates are retried, and lets a process
/// rewrite its whole share after Redis comes back. A member's message refreshes their
/// "u:" field at most once per presence_refresh_interval (sent_message() compares with
/// this process's own time and, when due, posts the write; it never waits for Redis).
/// Every update sets the hash's expiry to the presence timeout (EXPIRE), and entries
/// whose last_update is older than the timeout are not listed.
///
/// Dead processes: each live process refreshes "<prefix>:alive:<process id>" every 5 s
/// with a 15 s expiry; list() ignores the "c:" fields of processes whose alive key is
/// gone, so the users of a crashed or stopped process show as left within ~15 s.
///
/// Outages: while Redis is unreachable, or hangs and the health check
/// (options.health_check_interval, health_check_timeout) gave the connection up, list()
/// answers from this process's own view (its users only); updates and clears made meanwhile are
/// written when Redis is back (each process rewrites its whole share on every reconnect, so a
/// restarted, empty Redis is repopulated).
///
/// Threads: Redis I/O runs on a strand of the io_context handed in; list() calls `done`
/// on that io_context's thread.
///
/// Thread safety: entered(), left(), sent_message(), clear() and list() may be called
/// concurrently from any thread. start() and stop() must not be called concurrently with
/// each other.
class redis_presence final : public presence {
 public:
  redis_presence(asio::io_context& io, redis_options options,
                 std::chrono::seconds timeout = std::chrono::hours(1));
  /// Calls stop().
  ~redis_presence() override;
  redis_presence(const redis_presence&) = delete;
  redis_presence& operator=(const redis_presence&) = delete;

  /// As redis_channel_layer::start(): throws std::runtime_error when Redis does not
  /// answer, unless options.retry_on_start.
  void start();
  /// Closes the connection (bounded wait, safe on the io_context's thread). Idempotent.
  void stop();

  void entered(room_id room, const user& u) override;
  void left(room_id room, const user& u) override;
  void sent_message(room_id room, user_id id) override;
  void clear(room_id room) override;
  void list(room_id room, std::function<void(std::vector<presence_entry>)> done) override;

 private:
  struct state;
  std::shared_ptr<state> state_;
};

}  // namespace whisper
