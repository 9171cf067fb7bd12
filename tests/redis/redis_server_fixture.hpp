// A real redis-server for the tests: started on a free loopback port, checked with PING,
// killed (by its PID) at the end; it can be killed and restarted mid-test on the same
// port to simulate an outage.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <string>
#include <vector>

namespace whisper::test {

/// Thread safety: one thread only.
class redis_server {
 public:
  /// Starts the server on `port` (0: a free one); throws std::runtime_error if it does
  /// not answer within 10 s.
  explicit redis_server(int port = 0);
  ~redis_server();
  redis_server(const redis_server&) = delete;
  redis_server& operator=(const redis_server&) = delete;

  int port() const { return port_; }
  std::string url() const { return "redis://127.0.0.1:" + std::to_string(port_) + "/0"; }
  bool running() const { return pid_ > 0; }

  /// SIGKILL, as a crash: clients see their connections reset.
  void kill();
  /// Starts it again on the same port and waits for PING.
  void start();
  /// SIGSTOP / SIGCONT: a Redis that hangs with its connections open.
  void pause();
  void resume();

  /// Runs one command synchronously and returns its reply as text (integers in decimal,
  /// arrays as their elements joined by '\n', errors prefixed "ERR:").
  std::string command(const std::vector<std::string>& args) const;
  /// The number of `name` commands (lower case) Redis executed since the last CONFIG
  /// RESETSTAT.
  long long calls(const std::string& name) const;
  long long publish_calls() const { return calls("publish"); }
  /// PUBSUB NUMSUB for one channel.
  long long subscribers(const std::string& channel) const;

 private:
  bool ping() const;
  int port_ = 0;
  pid_t pid_ = -1;
};

/// A port on 127.0.0.1 that nothing listened on a moment ago.
int free_loopback_port();

}  // namespace whisper::test
