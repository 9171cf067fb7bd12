// The in-process channel layer. A group is an immutable vector of receivers swapped
// copy-on-write: group_send copies the pointer to the current vector under its shard's
// lock and delivers outside it, so broadcasts never wait on joins or on each other, and
// no lock is held while a receiver runs (it may re-enter the layer). Groups are spread
// over shards by name so broadcasts to different rooms never share a lock.
#include "whisper/in_process_channel_layer.hpp"

#include <algorithm>
#include <array>
#include <atomic>
#include <functional>
#include <mutex>
#include <set>
#include <unordered_map>
#include <vector>

namespace whisper {

namespace {

using members = std::vector<std::shared_ptr<channel>>;
using members_ptr = std::shared_ptr<const members>;

// One slice of the groups. Lock order: state::channels_mutex before any shard's mutex.
struct group_shard {
  std::mutex mutex;
  std::unordered_map<std::string, members_ptr> groups;

  // Removes `receiver` from `group` (lock held). Erases the group when it empties.
  void discard_locked(const std::string& group, const std::shared_ptr<channel>& receiver) {
    auto it = groups.find(group);
    if (it == groups.end()) return;
    const members& old = *it->second;
    auto pos = std::find(old.begin(), old.end(), receiver);
    if (pos == old.end()) return;
    if (old.size() == 1) {
      groups.erase(it);
      return;
    }
    auto next = std::make_shared<members>();
    next->reserve(old.size() - 1);
    next->insert(next->end(), old.begin(), pos);
    next->insert(next->end(), pos + 1, old.end());
    it->second = std::move(next);
  }
};

}  // namespace

struct in_process_channel_layer::state {
  std::atomic<std::uint64_t> next_id{1};
  // Registered channels and, per channel, the groups it is in (so remove_channel does
  // not scan every group). Touched on connect, disconnect, join and leave only.
  std::mutex channels_mutex;
  std::unordered_map<std::string, std::shared_ptr<channel>> channels;
  std::unordered_map<std::string, std::set<std::string>> memberships;

  std::array<group_shard, 16> shards;

  group_shard& shard_of(const std::string& group) {
    return shards[std::hash<std::string>{}(group) % shards.size()];
  }
};

in_process_channel_layer::in_process_channel_layer() : state_(std::make_unique<state>()) {}
in_process_channel_layer::~in_process_channel_layer() = default;

std::string in_process_channel_layer::add_channel(std::shared_ptr<channel> receiver) {
  std::string name = "local!" + std::to_string(state_->next_id.fetch_add(1));
  std::lock_guard<std::mutex> lock(state_->channels_mutex);
  state_->channels.emplace(name, std::move(receiver));
  return name;
}

void in_process_channel_layer::remove_channel(const std::string& channel_name) {
  std::shared_ptr<channel> released;  // dropped after unlocking: its destructor may run
  {
    std::lock_guard<std::mutex> lock(state_->channels_mutex);
    auto it = state_->channels.find(channel_name);
    if (it == state_->channels.end()) return;
    released = std::move(it->second);
    state_->channels.erase(it);
    auto groups = state_->memberships.find(channel_name);
    if (groups != state_->memberships.end()) {
      for (const std::string& g : groups->second) {
        group_shard& shard = state_->shard_of(g);
        std::lock_guard<std::mutex> shard_lock(shard.mutex);
        shard.discard_locked(g, released);
      }
      state_->memberships.erase(groups);
    }
  }
}

void in_process_channel_layer::group_add(const std::string& group,
                                         const std::string& channel_name) {
  std::lock_guard<std::mutex> lock(state_->channels_mutex);
  auto ch = state_->channels.find(channel_name);
  if (ch == state_->channels.end()) return;  // unknown or already removed: nothing to add
  group_shard& shard = state_->shard_of(group);
  std::lock_guard<std::mutex> shard_lock(shard.mutex);
  members_ptr& current = shard.groups[group];
  if (current && std::find(current->begin(), current->end(), ch->second) != current->end()) {
    return;  // idempotent
  }
  auto next = std::make_shared<members>();
  next->reserve((current ? current->size() : 0) + 1);
  if (current) next->insert(next->end(), current->begin(), current->end());
  next->push_back(ch->second);
  current = std::move(next);
  state_->memberships[channel_name].insert(group);
}

void in_process_channel_layer::group_discard(const std::string& group,
                                             const std::string& channel_name) {
  std::lock_guard<std::mutex> lock(state_->channels_mutex);
  auto ch = state_->channels.find(channel_name);
  if (ch == state_->channels.end()) return;
  {
    group_shard& shard = state_->shard_of(group);
    std::lock_guard<std::mutex> shard_lock(shard.mutex);
    shard.discard_locked(group, ch->second);
  }
  auto groups = state_->memberships.find(channel_name);
  if (groups != state_->memberships.end()) {
    groups->second.erase(group);
    if (groups->second.empty()) state_->memberships.erase(groups);
  }
}

void in_process_channel_layer::group_send(const std::string& group, event_ptr e) {
  members_ptr snapshot;
  {
    group_shard& shard = state_->shard_of(group);
    std::lock_guard<std::mutex> lock(shard.mutex);
    auto it = shard.groups.find(group);
    if (it == shard.groups.end()) return;
    snapshot = it->second;
  }
  for (const auto& receiver : *snapshot) receiver->deliver(e);
}

void in_process_channel_layer::send(const std::string& channel_name, event_ptr e) {
  std::shared_ptr<channel> receiver;
  {
    std::lock_guard<std::mutex> lock(state_->channels_mutex);
    auto it = state_->channels.find(channel_name);
    if (it == state_->channels.end()) return;
    receiver = it->second;
  }
  receiver->deliver(e);
}

std::size_t in_process_channel_layer::group_size(const std::string& group) const {
  group_shard& shard = state_->shard_of(group);
  std::lock_guard<std::mutex> lock(shard.mutex);
  auto it = shard.groups.find(group);
  return it == shard.groups.end() ? 0 : it->second->size();
}

}  // namespace whisper
