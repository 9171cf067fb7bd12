// Two redis_channel_layer instances on two io_contexts (two simulated processes)
// sharing one real Redis, for the layer, outage and chat tests.
#pragma once

#include <memory>

#include "redis_server_fixture.hpp"
#include "test_support.hpp"
#include "whisper/redis_channel_layer.hpp"

namespace whisper::test {

inline redis_options fast_options(const redis_server& redis) {
  redis_options o;
  o.url = redis.url();
  o.prefix = "t";
  o.connect_timeout = std::chrono::milliseconds(500);
  o.reconnect_backoff_min = std::chrono::milliseconds(20);
  o.reconnect_backoff_max = std::chrono::milliseconds(200);
  return o;
}

/// Thread safety: one test thread.
struct layer_pair {
  explicit layer_pair(const redis_options& options)
      : a(loop_a.io(), options), b(loop_b.io(), options) {
    a.start();
    b.start();
  }
  explicit layer_pair(const redis_server& redis) : layer_pair(fast_options(redis)) {}
  ~layer_pair() {
    a.stop();
    b.stop();
  }
  bool connected() const { return a.stats().connected && b.stats().connected; }

  io_thread loop_a;
  io_thread loop_b;
  redis_channel_layer a;
  redis_channel_layer b;
};

}  // namespace whisper::test
