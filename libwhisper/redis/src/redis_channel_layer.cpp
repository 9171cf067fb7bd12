// The Redis channel layer: local delivery on the caller's thread, one PUBLISH per
// group_send, subscriptions only for groups with local members. See the header.
#include "whisper/redis_channel_layer.hpp"

#include <asio/io_context.hpp>
#include <asio/post.hpp>
#include <stdexcept>
#include <utility>
#include <vector>

#include "redis_layer_state.hpp"
#include "redis_probe.hpp"
#include "wire_envelope.hpp"

namespace whisper {

using namespace redis_detail;

redis_channel_layer::redis_channel_layer(asio::io_context& io, redis_options options)
    : state_(std::make_shared<state>(io, std::move(options))) {}

redis_channel_layer::~redis_channel_layer() {
  stop();
}

void redis_channel_layer::start() {
  state_->url = parse_redis_url(state_->options.url);
  if (!state_->options.retry_on_start) {
    const auto why = probe_redis(state_->url, state_->options.connect_timeout);
    if (!why.empty()) throw std::runtime_error(unreachable_message(state_->url, why));
  }
  asio::post(state_->strand, [s = state_] {
    if (s->publisher) return;  // already started
    s->make_links();
    s->publisher->start();
    s->subscriber->start();
  });
}

void redis_channel_layer::stop() {
  const auto limit = state_->options.connect_timeout + std::chrono::seconds(1);
  run_on_strand(
      state_->io, state_->strand,
      [s = state_] {
        if (s->publisher) s->publisher->stop();
        if (s->subscriber) s->subscriber->stop();
        s->publisher.reset();
        s->subscriber.reset();
        s->publisher_up = s->subscriber_up = false;
        s->subscriptions.reset();
        s->update_connected();
      },
      limit);
}

std::string redis_channel_layer::add_channel(std::shared_ptr<channel> receiver) {
  const std::uint64_t id = state_->next_channel.fetch_add(1, std::memory_order_relaxed);
  state_->local.add_channel(id, std::move(receiver));
  return state_->channel_prefix + std::to_string(id);
}

void redis_channel_layer::remove_channel(const std::string& channel_name) {
  const auto id = detail::local_groups::channel_number(channel_name, state_->channel_prefix);
  if (!id) return;
  for (auto& group : state_->local.remove_channel(*id)) {
    asio::post(state_->strand, [s = state_, g = std::move(group)] { s->sync_group(g); });
  }
}

void redis_channel_layer::group_add(const std::string& group, const std::string& channel_name) {
  const auto id = detail::local_groups::channel_number(channel_name, state_->channel_prefix);
  if (id && state_->local.add(group, *id)) {
    asio::post(state_->strand, [s = state_, group] { s->sync_group(group); });
  }
}

void redis_channel_layer::group_discard(const std::string& group, const std::string& channel_name) {
  const auto id = detail::local_groups::channel_number(channel_name, state_->channel_prefix);
  if (id && state_->local.discard(group, *id)) {
    asio::post(state_->strand, [s = state_, group] { s->sync_group(group); });
  }
}

void redis_channel_layer::group_send(const std::string& group, event_ptr e) {
  if (!e) return;
  // Serialised once on the caller's thread; local members get the event at once, so a
  // Redis outage never silences a room within this process.
  auto payload = encode_envelope(state_->process_id, {}, serialize_event(*e));
  if (auto members = state_->local.members(group)) {
    for (const auto& m : *members) m->deliver(e);
  }
  asio::post(state_->strand, [s = state_, key = state_->group_key(group), p = std::move(payload)] {
    s->publish(key, p);
  });
}

void redis_channel_layer::send(const std::string& channel_name, event_ptr e) {
  if (!e) return;
  // "<prefix>.<process id>!<n>": the process id sits between the last '.' and the '!'.
  const auto bang = channel_name.rfind('!');
  const auto dot = channel_name.rfind('.', bang);
  if (bang == std::string::npos || dot == std::string::npos) return;
  const auto owner = channel_name.substr(dot + 1, bang - dot - 1);
  if (owner == state_->process_id) {
    const auto id = detail::local_groups::channel_number(channel_name, state_->channel_prefix);
    if (!id) return;
    if (auto receiver = state_->local.find(*id)) receiver->deliver(e);
    return;
  }
  auto payload = encode_envelope(state_->process_id, channel_name, serialize_event(*e));
  asio::post(state_->strand, [s = state_, key = state_->process_key(owner),
                              p = std::move(payload)] { s->publish(key, p); });
}

const std::string& redis_channel_layer::process_id() const {
  return state_->process_id;
}

std::size_t redis_channel_layer::group_size(const std::string& group) const {
  return state_->local.size(group);
}

const redis_layer_stats& redis_channel_layer::stats() const {
  return state_->stats;
}

}  // namespace whisper
