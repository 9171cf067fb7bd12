// The strand side of the Redis channel layer: the two Redis links, the subscriptions,
// publishing, and fanning received events out to local members. Shared by the layer's
// public methods (redis_channel_layer.cpp) and the handlers posted to the strand.
#pragma once

#include <asio/io_context.hpp>
#include <atomic>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "detail/local_groups.hpp"
#include "redis_link.hpp"
#include "subscription_set.hpp"
#include "whisper/redis_channel_layer.hpp"
#include "wire_envelope.hpp"

namespace whisper {

// Thread safety: members marked "strand only" are touched only on `strand`; the rest are
// immutable after construction, atomics, or internally synchronised (local_groups).
struct redis_channel_layer::state : std::enable_shared_from_this<state> {
  using strand_type = redis_detail::strand_type;
  using redis_client = redis_detail::redis_client;
  using redis_link = redis_detail::redis_link;
  state(asio::io_context& context, redis_options opts)
      : io(context),
        strand(asio::make_strand(context)),
        options(std::move(opts)),
        process_id(redis_detail::make_process_id()),
        channel_prefix(options.prefix + "." + process_id + "!") {}

  asio::io_context& io;
  strand_type strand;
  redis_options options;
  redis_url url;
  const std::string process_id;
  // This process's channels are named "<prefix>.<process id>!<n>".
  const std::string channel_prefix;
  std::atomic<std::uint64_t> next_channel{0};
  detail::local_groups local;
  redis_layer_stats stats;

  // --- strand only ---
  std::shared_ptr<redis_link> publisher;
  std::shared_ptr<redis_link> subscriber;
  redis_detail::subscription_set subscriptions;
  bool publisher_up = false;
  bool subscriber_up = false;
  bool first_connect_done = false;
  std::size_t publishes_in_flight = 0;  // sent, reply not yet seen
  // Publishes made between start() and the first connection (bounded: a Redis that is
  // down at start with retry_on_start must not grow memory).
  static constexpr std::size_t max_before_first_connect = 1024;
  std::vector<std::pair<std::string, std::string>> before_first_connect;

  std::string group_key(const std::string& group) const {
    return options.prefix + ":group:" + group;
  }
  std::string process_key(std::string_view id) const {
    return options.prefix + ":process:" + std::string(id);
  }
  // Also refreshes the link counters: they change only when a link goes up or down.
  void update_connected() {
    stats.connected = publisher_up && subscriber_up;
    stats.reconnects =
        (publisher ? publisher->reconnects() : 0) + (subscriber ? subscriber->reconnects() : 0);
    stats.health_check_failures = (publisher ? publisher->health_check_failures() : 0) +
                                  (subscriber ? subscriber->health_check_failures() : 0);
  }

  void publish(const std::string& key, const std::string& payload);
  void sync_group(const std::string& group);
  void on_publisher_up();
  void on_publisher_down();
  void on_subscriber_up(redis_client& client);
  void on_subscriber_down();
  void on_push(const redisReply* reply);
  void deliver_remote(const std::string& redis_channel, std::string_view payload);
  void make_links();
};

}  // namespace whisper
