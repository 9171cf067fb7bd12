// Forwarding plus one steady_clock pair around chat-message fan-out.
#include "ops/timed_channel_layer.hpp"

#include <chrono>

namespace whisper_server {

std::string timed_channel_layer::add_channel(std::shared_ptr<whisper::channel> receiver) {
  return inner_.add_channel(std::move(receiver));
}

void timed_channel_layer::remove_channel(const std::string& channel_name) {
  inner_.remove_channel(channel_name);
}

void timed_channel_layer::group_add(const std::string& group, const std::string& channel_name) {
  inner_.group_add(group, channel_name);
}

void timed_channel_layer::group_discard(const std::string& group, const std::string& channel_name) {
  inner_.group_discard(group, channel_name);
}

void timed_channel_layer::group_send(const std::string& group, whisper::event_ptr e) {
  // Only user messages: enter/leave notices and room deletions are not what operators
  // mean by message latency, and would skew the distribution.
  if (!e || e->kind() != whisper::event_kind::chat_message) {
    inner_.group_send(group, std::move(e));
    return;
  }
  const auto started = std::chrono::steady_clock::now();
  inner_.group_send(group, std::move(e));
  fanout_.observe(std::chrono::steady_clock::now() - started);
}

void timed_channel_layer::send(const std::string& channel_name, whisper::event_ptr e) {
  inner_.send(channel_name, std::move(e));
}

}  // namespace whisper_server
