// The copy-on-write group registry (see local_groups.hpp).
#include "detail/local_groups.hpp"

#include <algorithm>
#include <functional>
#include <utility>

namespace whisper::detail {

local_groups::shard& local_groups::shard_of(const std::string& group) const {
  return shards_[std::hash<std::string>{}(group) % shards_.size()];
}

void local_groups::add_channel(const std::string& name, std::shared_ptr<channel> receiver) {
  std::lock_guard<std::mutex> lock(channels_mutex_);
  channels_[name].receiver = std::move(receiver);
}

std::vector<std::string> local_groups::remove_channel(const std::string& name) {
  std::shared_ptr<channel> released;  // declared first: dropped after unlocking, since
                                      // its destructor may run and re-enter the layer
  std::vector<std::string> emptied;
  std::lock_guard<std::mutex> lock(channels_mutex_);
  auto it = channels_.find(name);
  if (it == channels_.end()) return emptied;
  released = std::move(it->second.receiver);
  for (const std::string& group : it->second.groups) {
    if (discard_locked(group, released)) emptied.push_back(group);
  }
  channels_.erase(it);
  return emptied;
}

bool local_groups::add(const std::string& group, const std::string& name) {
  std::lock_guard<std::mutex> lock(channels_mutex_);
  auto it = channels_.find(name);
  if (it == channels_.end()) return false;
  std::vector<std::string>& joined = it->second.groups;
  if (std::find(joined.begin(), joined.end(), group) != joined.end()) return false;
  joined.push_back(group);
  shard& s = shard_of(group);
  std::lock_guard<std::mutex> shard_lock(s.mutex);
  member_snapshot& current = s.groups[group];
  const bool first = !current;
  auto next = std::make_shared<member_list>();
  next->reserve((current ? current->size() : 0) + 1);
  if (current) next->insert(next->end(), current->begin(), current->end());
  next->push_back(it->second.receiver);
  current = std::move(next);
  return first;
}

bool local_groups::discard(const std::string& group, const std::string& name) {
  std::lock_guard<std::mutex> lock(channels_mutex_);
  auto it = channels_.find(name);
  if (it == channels_.end()) return false;
  std::vector<std::string>& joined = it->second.groups;
  const auto at = std::find(joined.begin(), joined.end(), group);
  if (at == joined.end()) return false;
  joined.erase(at);
  return discard_locked(group, it->second.receiver);
}

bool local_groups::discard_locked(const std::string& group,
                                  const std::shared_ptr<channel>& receiver) {
  shard& s = shard_of(group);
  std::lock_guard<std::mutex> shard_lock(s.mutex);
  auto it = s.groups.find(group);
  if (it == s.groups.end()) return false;
  const member_list& old = *it->second;
  auto pos = std::find(old.begin(), old.end(), receiver);
  if (pos == old.end()) return false;
  if (old.size() == 1) {
    s.groups.erase(it);  // an empty group is no group: members() answers null
    return true;
  }
  auto next = std::make_shared<member_list>();
  next->reserve(old.size() - 1);
  next->insert(next->end(), old.begin(), pos);
  next->insert(next->end(), pos + 1, old.end());
  it->second = std::move(next);
  return false;
}

local_groups::member_snapshot local_groups::members(const std::string& group) const {
  shard& s = shard_of(group);
  std::lock_guard<std::mutex> lock(s.mutex);
  auto it = s.groups.find(group);
  return it == s.groups.end() ? nullptr : it->second;
}

std::shared_ptr<channel> local_groups::find(const std::string& name) const {
  std::lock_guard<std::mutex> lock(channels_mutex_);
  auto it = channels_.find(name);
  return it == channels_.end() ? nullptr : it->second.receiver;
}

bool local_groups::has_members(const std::string& group) const {
  shard& s = shard_of(group);
  std::lock_guard<std::mutex> lock(s.mutex);
  return s.groups.count(group) != 0;
}

std::vector<std::string> local_groups::groups() const {
  std::vector<std::string> out;
  for (const shard& s : shards_) {
    std::lock_guard<std::mutex> lock(s.mutex);
    for (const auto& group : s.groups) out.push_back(group.first);
  }
  return out;
}

std::size_t local_groups::size(const std::string& group) const {
  const member_snapshot snapshot = members(group);
  return snapshot ? snapshot->size() : 0;
}

}  // namespace whisper::detail
