// Private: the receivers of this process and which of them are in which group, shared by
// the in-process channel layer and the Redis layer (its local half). A group is an
// immutable vector of receivers swapped copy-on-write: a broadcast copies the pointer to
// the current vector under a short lock and delivers outside it, so broadcasts never wait
// on joins or on each other, and no lock is held while a receiver runs (it may re-enter
// the layer). Groups are spread over shards by name so broadcasts to different rooms
// never share a lock.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "whisper/channel_layer.hpp"

namespace whisper::detail {

/// Thread safety: every member may be called concurrently from any thread.
class local_groups {
 public:
  using member_list = std::vector<std::shared_ptr<channel>>;
  using member_snapshot = std::shared_ptr<const member_list>;

  /// Channels are registered by number: a layer names channel `n` "<its prefix><n>" and
  /// turns a name back into `n` with channel_number() (a map keyed by the name would hold
  /// a string and its hash per connection).
  static std::optional<std::uint64_t> channel_number(std::string_view name,
                                                     std::string_view prefix);

  void add_channel(std::uint64_t id, std::shared_ptr<channel> receiver);
  /// Removes a channel and its memberships; returns the groups it left empty. The
  /// registry's reference to the receiver is dropped after every lock is released.
  std::vector<std::string> remove_channel(std::uint64_t id);
  /// Adds a registered channel to a group (idempotent; unknown channels are ignored).
  /// True if the group had no member before (a cross-process layer must subscribe).
  bool add(const std::string& group, std::uint64_t id);
  /// True if this left the group without members (a cross-process layer may unsubscribe).
  bool discard(const std::string& group, std::uint64_t id);

  /// The group's members now, or null: hold it while delivering, without any lock.
  member_snapshot members(const std::string& group) const;
  std::shared_ptr<channel> find(std::uint64_t id) const;
  bool has_members(const std::string& group) const;
  /// Every group with at least one member.
  std::vector<std::string> groups() const;
  std::size_t size(const std::string& group) const;

 private:
  struct entry {
    std::shared_ptr<channel> receiver;
    // So remove_channel does not scan every group. A plain vector: a connection is in a
    // few groups (its user's and its rooms'), and a std::set cost each 48 bytes plus an
    // 80-byte node per group. Each points at the group's name in its shard's map, which
    // stays put while the group has a member (this one) and is only read or erased under
    // channels_mutex_.
    std::vector<const std::string*> groups;
  };
  // One slice of the groups. Lock order: channels_mutex_ before any shard's mutex.
  struct shard {
    mutable std::mutex mutex;
    std::unordered_map<std::string, member_snapshot> groups;
  };

  shard& shard_of(const std::string& group) const;
  // Removes `receiver` from `group` under the channels lock; true if the group emptied.
  bool discard_locked(const std::string& group, const std::shared_ptr<channel>& receiver);

  // Touched on connect, disconnect, join and leave only; never by a broadcast.
  mutable std::mutex channels_mutex_;
  std::unordered_map<std::uint64_t, entry> channels_;
  mutable std::array<shard, 16> shards_;
};

}  // namespace whisper::detail
