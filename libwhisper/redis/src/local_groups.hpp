// The part of the Redis layer that lives in this process: its receivers and which of
// them are in which group. Membership changes are copy-on-write so a broadcast takes a
// snapshot under a short lock and delivers without holding it.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "whisper/channel_layer.hpp"

namespace whisper::redis_detail {

using member_list = std::vector<std::shared_ptr<channel>>;
using member_snapshot = std::shared_ptr<const member_list>;

/// Thread safety: every member may be called concurrently from any thread.
class local_groups {
 public:
  void add_channel(const std::string& name, std::shared_ptr<channel> receiver);
  /// Removes a channel and its memberships; returns the groups it left empty.
  std::vector<std::string> remove_channel(const std::string& name);
  /// True if the group had no local member before (the process must subscribe). Unknown
  /// channels (not registered in this process) are ignored.
  bool add(const std::string& group, const std::string& name);
  /// True if the group has no local member left (the process may unsubscribe).
  bool discard(const std::string& group, const std::string& name);

  member_snapshot members(const std::string& group) const;
  std::shared_ptr<channel> find(const std::string& name) const;
  bool has_members(const std::string& group) const;
  /// Every group with at least one local member.
  std::vector<std::string> groups() const;
  std::size_t size(const std::string& group) const;

 private:
  struct entry {
    std::shared_ptr<channel> receiver;
    std::set<std::string> groups;
  };
  // Both maps under mutex_. A group's list is replaced, never mutated, once published.
  bool discard_locked(const std::string& group, const std::shared_ptr<channel>& receiver);

  mutable std::mutex mutex_;
  std::map<std::string, entry> channels_;
  std::map<std::string, member_snapshot> groups_;
};

}  // namespace whisper::redis_detail
