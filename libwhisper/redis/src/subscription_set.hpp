// Which Redis pub/sub channels the subscriber connection is subscribed to, reconciled
// with which ones it should be. A channel being unsubscribed is not subscribed again
// until Redis confirms the UNSUBSCRIBE: hiredis drops a channel's callback when that
// confirmation arrives, so an overlapping SUBSCRIBE would silently lose its messages.
#pragma once

#include <map>
#include <string>

#include "redis_client.hpp"

namespace whisper::redis_detail {

/// Thread safety: strand only (like the client it drives).
class subscription_set {
 public:
  /// Subscribes or unsubscribes `redis_channel` so it matches `wanted`. No-op without a
  /// client: reconnecting resubscribes everything wanted.
  void sync(redis_client* client, const std::string& redis_channel, bool wanted);
  /// Redis confirmed an UNSUBSCRIBE; `wanted` is the channel's current wish.
  void unsubscribed(redis_client* client, const std::string& redis_channel, bool wanted);
  /// The connection was lost: Redis forgot every subscription.
  void reset() { states_.clear(); }
  bool subscribed(const std::string& redis_channel) const;

 private:
  enum class state { subscribed, unsubscribing };
  std::map<std::string, state> states_;
};

}  // namespace whisper::redis_detail
