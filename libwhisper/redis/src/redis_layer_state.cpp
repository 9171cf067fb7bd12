#include "redis_layer_state.hpp"

#include <hiredis/hiredis.h>

#include "wire_envelope.hpp"

namespace whisper {

using namespace redis_detail;

void redis_channel_layer::state::make_links() {
  auto weak = std::weak_ptr<state>(shared_from_this());
  redis_link::handlers on_publisher;  // probe: PING
  on_publisher.up = [weak](redis_client&) {
    if (auto s = weak.lock()) s->on_publisher_up();
  };
  on_publisher.down = [weak] {
    if (auto s = weak.lock()) s->on_publisher_down();
  };
  publisher = std::make_shared<redis_link>(strand, url, options, "publisher", on_publisher);
  // One outage, one log line: the subscriber reports its own connection trouble at debug
  // level, since the publisher reports the same outage.
  auto quiet = options;
  if (options.log) {
    quiet.log = [log = options.log](int, std::string_view text) {
      log(redis_log_level::debug, text);
    };
  }
  redis_link::handlers on_subscriber;
  on_subscriber.up = [weak](redis_client& c) {
    if (auto s = weak.lock()) s->on_subscriber_up(c);
  };
  on_subscriber.down = [weak] {
    if (auto s = weak.lock()) s->on_subscriber_down();
  };
  // hiredis 0.14 files a PING sent on a subscribed connection under a callback list it
  // never pops (one leaked entry per probe) and drops the ["pong", ""] reply. SUBSCRIBE
  // to the channel this connection is always subscribed to is answered, changes nothing
  // in Redis, and replaces hiredis's callback entry instead of adding one.
  on_subscriber.probe = [weak](redis_client& c) {
    auto s = weak.lock();
    return s && c.push_command({"SUBSCRIBE", s->process_key(s->process_id)});
  };
  subscriber = std::make_shared<redis_link>(strand, url, quiet, "subscriber", on_subscriber);
}

// The first connection may complete after start() returned: what was published in
// between waits for it (bounded). After that, a publish without Redis is a counted loss.
void redis_channel_layer::state::on_publisher_up() {
  publisher_up = true;
  first_connect_done = true;
  auto waiting = std::move(before_first_connect);
  before_first_connect.clear();
  for (const auto& [key, payload] : waiting) publish(key, payload);
  update_connected();
}

void redis_channel_layer::state::on_publisher_down() {
  publisher_up = false;
  update_connected();
}

void redis_channel_layer::state::on_subscriber_down() {
  subscriber_up = false;
  subscriptions.reset();
  update_connected();
}

// (Re)subscribes this process's own channel and every group that has local members.
void redis_channel_layer::state::on_subscriber_up(redis_client& client) {
  subscriber_up = true;
  subscriptions.reset();
  auto weak = std::weak_ptr<state>(shared_from_this());
  client.set_push_handler([weak](const redisReply* r) {
    if (auto s = weak.lock()) s->on_push(r);
  });
  subscriptions.sync(&client, process_key(process_id), true);
  for (const auto& group : local.groups()) subscriptions.sync(&client, group_key(group), true);
  update_connected();
}

void redis_channel_layer::state::publish(const std::string& key, const std::string& payload) {
  redis_client* client = publisher ? publisher->client() : nullptr;
  if (client == nullptr && publisher && !first_connect_done &&
      before_first_connect.size() < max_before_first_connect) {
    before_first_connect.emplace_back(key, payload);
    return;
  }
  // A Redis that hangs (alive but not answering) must not make hiredis buffer without
  // bound: past the limit, publishes are dropped and counted like an outage.
  if (client != nullptr && publishes_in_flight >= options.max_pending_publishes) client = nullptr;
  auto weak = std::weak_ptr<state>(shared_from_this());
  const bool queued =
      client != nullptr && client->command({"PUBLISH", key, payload}, [weak](const redisReply* r) {
        auto s = weak.lock();
        if (!s) return;
        --s->publishes_in_flight;
        if (r != nullptr && r->type != REDIS_REPLY_ERROR) {
          s->stats.messages_published.fetch_add(1, std::memory_order_relaxed);
        } else {
          s->stats.publish_failures.fetch_add(1, std::memory_order_relaxed);
        }
      });
  if (queued) {
    ++publishes_in_flight;
  } else {
    stats.publish_failures.fetch_add(1, std::memory_order_relaxed);
  }
}

void redis_channel_layer::state::sync_group(const std::string& group) {
  subscriptions.sync(subscriber ? subscriber->client() : nullptr, group_key(group),
                     local.has_members(group));
}

// Pub/sub replies: ["message", channel, payload], ["subscribe", channel, n],
// ["unsubscribe", channel, n].
void redis_channel_layer::state::on_push(const redisReply* r) {
  if (r->type != REDIS_REPLY_ARRAY || r->elements != 3) return;
  const redisReply* kind = r->element[0];
  const redisReply* chan = r->element[1];
  if (kind->type != REDIS_REPLY_STRING || chan->type != REDIS_REPLY_STRING) return;
  const std::string_view type(kind->str, kind->len);
  const std::string redis_channel(chan->str, chan->len);
  if (type == "message" && r->element[2]->type == REDIS_REPLY_STRING) {
    deliver_remote(redis_channel, std::string_view(r->element[2]->str, r->element[2]->len));
  } else if (type == "unsubscribe") {
    const auto prefix = options.prefix + ":group:";
    const bool wanted = redis_channel.compare(0, prefix.size(), prefix) == 0 &&
                        local.has_members(redis_channel.substr(prefix.size()));
    subscriptions.unsubscribed(subscriber->client(), redis_channel, wanted);
  }
}

// Decodes once, then hands the same event_ptr to every local receiver.
void redis_channel_layer::state::deliver_remote(const std::string& redis_channel,
                                                std::string_view payload) {
  auto env = decode_envelope(payload);
  if (!env || env->origin == process_id) return;  // our own: delivered locally already
  auto e = deserialize_event(env->event);
  if (!e) return;
  stats.messages_received.fetch_add(1, std::memory_order_relaxed);
  if (!env->target.empty()) {
    const auto id = detail::local_groups::channel_number(env->target, channel_prefix);
    if (id) {
      if (auto receiver = local.find(*id)) receiver->deliver(e);
    }
    return;
  }
  const auto prefix = options.prefix + ":group:";
  if (redis_channel.compare(0, prefix.size(), prefix) != 0) return;
  if (auto members = local.members(redis_channel.substr(prefix.size()))) {
    for (const auto& m : *members) m->deliver(e);
  }
}

}  // namespace whisper
