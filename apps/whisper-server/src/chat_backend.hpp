// The channel layer and presence a serving process uses: in-process (default) or Redis
// (several whisper-server processes behind one Redis), chosen by config.channel_layer.
#pragma once

#include <memory>
#include <string>

#include "ops/config.hpp"
#include "whisper/channel_layer.hpp"
#include "whisper/presence.hpp"

namespace whisper {
struct redis_layer_stats;
}

namespace spdlog {
class logger;
}

namespace whisper_server {

/// Owns the layer and presence (and, for Redis, the io thread driving hiredis).
///
/// Thread safety: layer() and presence() are safe to use from any thread; construct
/// and destroy from one thread.
class chat_backend {
 public:
  /// Throws config_error for "redis" in a build without the Redis layer, and
  /// std::runtime_error when Redis cannot be reached.
  chat_backend(const server_config& config, const std::shared_ptr<spdlog::logger>& log);
  ~chat_backend();
  chat_backend(const chat_backend&) = delete;
  chat_backend& operator=(const chat_backend&) = delete;

  whisper::channel_layer& layer() { return *layer_; }
  whisper::presence& presence() { return *presence_; }
  /// "in-process", or "redis at redis://host:port/db" (no password): for the start-up line.
  const std::string& description() const { return description_; }
  /// The Redis layer's counters, or null for the in-process layer (for /metrics).
  const whisper::redis_layer_stats* redis_stats() const;

 private:
  struct redis_runtime;
  std::unique_ptr<redis_runtime> redis_;
  std::unique_ptr<whisper::channel_layer> layer_;
  std::unique_ptr<whisper::presence> presence_;
  std::string description_ = "in-process";
};

}  // namespace whisper_server
