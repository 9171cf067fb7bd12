// A channel_layer decorator that times the local fan-out of chat messages, so the
// server can export a fan-out latency histogram without touching libwhisper.
#pragma once

#include <memory>
#include <string>

#include "net_namespace.hpp"
#include "whisper/asio/latency_histogram.hpp"
#include "whisper/channel_layer.hpp"

namespace whisper_server {

/// Forwards every call to `inner`; group_send of a chat.message event (an accepted
/// `send` command) is timed into `fanout`. For the in-process layer, and for the local
/// part of the Redis layer, group_send queues the frame to every local member before
/// it returns, so its duration is the time from the command's acceptance to the last
/// local recipient's queue.
///
/// Thread safety: as thread-safe as `inner` (every member may be called concurrently);
/// the timing adds only relaxed atomic increments. `inner` and `fanout` must outlive it.
class timed_channel_layer final : public whisper::channel_layer {
 public:
  timed_channel_layer(whisper::channel_layer& inner, net::latency_histogram& fanout)
      : inner_(inner), fanout_(fanout) {}

  std::string add_channel(std::shared_ptr<whisper::channel> receiver) override;
  void remove_channel(const std::string& channel_name) override;
  void group_add(const std::string& group, const std::string& channel_name) override;
  void group_discard(const std::string& group, const std::string& channel_name) override;
  void group_send(const std::string& group, whisper::event_ptr e) override;
  void send(const std::string& channel_name, whisper::event_ptr e) override;

 private:
  whisper::channel_layer& inner_;
  net::latency_histogram& fanout_;
};

}  // namespace whisper_server
