#include "subscription_set.hpp"

namespace whisper::redis_detail {

void subscription_set::sync(redis_client* client, const std::string& redis_channel, bool wanted) {
  if (client == nullptr) return;
  auto it = states_.find(redis_channel);
  if (it == states_.end()) {
    if (wanted && client->push_command({"SUBSCRIBE", redis_channel})) {
      states_.emplace(redis_channel, state::subscribed);
    }
    return;
  }
  if (it->second == state::subscribed && !wanted &&
      client->push_command({"UNSUBSCRIBE", redis_channel})) {
    it->second = state::unsubscribing;
  }
  // state::unsubscribing: wait for the confirmation, which calls unsubscribed().
}

void subscription_set::unsubscribed(redis_client* client, const std::string& redis_channel,
                                    bool wanted) {
  auto it = states_.find(redis_channel);
  if (it != states_.end() && it->second == state::unsubscribing) states_.erase(it);
  sync(client, redis_channel, wanted);
}

bool subscription_set::subscribed(const std::string& redis_channel) const {
  auto it = states_.find(redis_channel);
  return it != states_.end() && it->second == state::subscribed;
}

}  // namespace whisper::redis_detail
