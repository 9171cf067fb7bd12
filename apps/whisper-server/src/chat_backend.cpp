// Building the in-process or the Redis backend. The Redis one needs an io_context that
// some thread runs: this file owns that thread.
#include "chat_backend.hpp"

#include <spdlog/spdlog.h>

#include "whisper/in_process_channel_layer.hpp"

#ifdef WHISPER_HAVE_REDIS_LAYER
#include <asio/executor_work_guard.hpp>
#include <asio/io_context.hpp>
#include <thread>

#include "whisper/redis_channel_layer.hpp"
#include "whisper/redis_presence.hpp"
#include "whisper/redis_url.hpp"
#endif

namespace whisper_server {

#ifdef WHISPER_HAVE_REDIS_LAYER
struct chat_backend::redis_runtime {
  asio::io_context io;
  asio::executor_work_guard<asio::io_context::executor_type> work{io.get_executor()};
  std::thread thread;
  whisper::redis_channel_layer* layer = nullptr;
  whisper::redis_presence* presence = nullptr;
};
#else
struct chat_backend::redis_runtime {};
#endif

chat_backend::chat_backend(const server_config& config,
                           const std::shared_ptr<spdlog::logger>& log) {
  if (config.channel_layer != "redis") {
    layer_ = std::make_unique<whisper::in_process_channel_layer>();
    presence_ = std::make_unique<whisper::memory_presence>(config.limits.presence_timeout);
    return;
  }
#ifdef WHISPER_HAVE_REDIS_LAYER
  whisper::redis_options options;
  options.url = config.redis_url;
  options.prefix = config.redis_prefix;
  options.retry_on_start = config.redis_retry_on_start;
  options.health_check_interval = config.redis_health_check_interval;
  options.health_check_timeout = config.redis_health_check_timeout;
  options.log = [log](int level, std::string_view text) {
    log->log(static_cast<spdlog::level::level_enum>(level), "redis: {}", text);
  };
  redis_ = std::make_unique<redis_runtime>();
  auto layer = std::make_unique<whisper::redis_channel_layer>(redis_->io, options);
  auto presence = std::make_unique<whisper::redis_presence>(redis_->io, options,
                                                            config.limits.presence_timeout);
  redis_->layer = layer.get();
  redis_->presence = presence.get();
  redis_->thread = std::thread([io = &redis_->io] { io->run(); });
  try {
    layer->start();
    presence->start();
  } catch (...) {
    redis_->work.reset();
    redis_->io.stop();
    redis_->thread.join();
    throw;
  }
  description_ = "redis at " + whisper::parse_redis_url(config.redis_url).to_string();
  log->info("channel layer: {}", description_);
  layer_ = std::move(layer);
  presence_ = std::move(presence);
#else
  (void)log;
  throw config_error("channel_layer = redis needs a build with WHISPER_WITH_REDIS");
#endif
}

const whisper::redis_layer_stats* chat_backend::redis_stats() const {
#ifdef WHISPER_HAVE_REDIS_LAYER
  if (redis_) return &redis_->layer->stats();
#endif
  return nullptr;
}

chat_backend::~chat_backend() {
#ifdef WHISPER_HAVE_REDIS_LAYER
  if (redis_) {
    // Close the Redis connections while the io thread still runs, then end it.
    redis_->layer->stop();
    redis_->presence->stop();
    redis_->work.reset();
    redis_->io.stop();
    redis_->thread.join();
  }
#endif
}

}  // namespace whisper_server
