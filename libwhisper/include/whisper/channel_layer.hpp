// The channel layer (Django Channels' term): named channels, one per consumer, and
// groups of channels to which events are broadcast. In-process by default; the Redis
// implementation spans processes behind the same interface.
#pragma once

#include <memory>
#include <string>

#include "whisper/event.hpp"

namespace whisper {

/// A local receiver of events: what a channel name resolves to in this process.
///
/// Thread safety: deliver() is called from any thread, possibly concurrently, and must
/// not block.
class channel {
 public:
  virtual ~channel() = default;
  virtual void deliver(const event_ptr& e) = 0;
};

/// The interface every channel layer implements.
///
/// All calls return at once: a layer that talks to another process (Redis) completes
/// the work asynchronously, and events reach receivers through channel::deliver() on
/// whatever thread the layer runs. No call assumes a group lives in one process.
/// Ordering: events sent to one group from one thread reach each member in send order.
///
/// Thread safety: every member may be called concurrently from any thread.
class channel_layer {
 public:
  virtual ~channel_layer() = default;

  /// Registers a local receiver and returns its unique channel name. The layer keeps
  /// `receiver` alive until remove_channel().
  virtual std::string add_channel(std::shared_ptr<channel> receiver) = 0;
  /// Unregisters a channel and discards it from every group it was in.
  virtual void remove_channel(const std::string& channel_name) = 0;

  /// Adds a channel to a group (idempotent).
  virtual void group_add(const std::string& group, const std::string& channel_name) = 0;
  /// Removes a channel from a group (no-op if absent).
  virtual void group_discard(const std::string& group, const std::string& channel_name) = 0;
  /// Delivers the event to every channel in the group, in every process.
  virtual void group_send(const std::string& group, event_ptr e) = 0;
  /// Delivers the event to one channel, wherever it lives.
  virtual void send(const std::string& channel_name, event_ptr e) = 0;
};

}  // namespace whisper
