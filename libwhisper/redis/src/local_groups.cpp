#include "local_groups.hpp"

#include <algorithm>

namespace whisper::redis_detail {

void local_groups::add_channel(const std::string& name, std::shared_ptr<channel> receiver) {
  std::lock_guard lock(mutex_);
  channels_[name].receiver = std::move(receiver);
}

std::vector<std::string> local_groups::remove_channel(const std::string& name) {
  std::vector<std::string> emptied;
  std::lock_guard lock(mutex_);
  auto it = channels_.find(name);
  if (it == channels_.end()) return emptied;
  for (const auto& group : it->second.groups) {
    if (discard_locked(group, it->second.receiver)) emptied.push_back(group);
  }
  channels_.erase(it);
  return emptied;
}

bool local_groups::add(const std::string& group, const std::string& name) {
  std::lock_guard lock(mutex_);
  auto it = channels_.find(name);
  if (it == channels_.end() || !it->second.groups.insert(group).second) return false;
  auto& slot = groups_[group];
  const bool first = !slot || slot->empty();
  auto next = std::make_shared<member_list>(slot ? *slot : member_list{});
  next->push_back(it->second.receiver);
  slot = std::move(next);
  return first;
}

bool local_groups::discard(const std::string& group, const std::string& name) {
  std::lock_guard lock(mutex_);
  auto it = channels_.find(name);
  if (it == channels_.end() || it->second.groups.erase(group) == 0) return false;
  return discard_locked(group, it->second.receiver);
}

bool local_groups::discard_locked(const std::string& group,
                                  const std::shared_ptr<channel>& receiver) {
  auto slot = groups_.find(group);
  if (slot == groups_.end()) return false;
  auto next = std::make_shared<member_list>(*slot->second);
  next->erase(std::remove(next->begin(), next->end(), receiver), next->end());
  if (next->empty()) {
    groups_.erase(slot);
    return true;
  }
  slot->second = std::move(next);
  return false;
}

member_snapshot local_groups::members(const std::string& group) const {
  std::lock_guard lock(mutex_);
  auto it = groups_.find(group);
  return it == groups_.end() ? nullptr : it->second;
}

std::shared_ptr<channel> local_groups::find(const std::string& name) const {
  std::lock_guard lock(mutex_);
  auto it = channels_.find(name);
  return it == channels_.end() ? nullptr : it->second.receiver;
}

bool local_groups::has_members(const std::string& group) const {
  std::lock_guard lock(mutex_);
  return groups_.count(group) != 0;
}

std::vector<std::string> local_groups::groups() const {
  std::vector<std::string> out;
  std::lock_guard lock(mutex_);
  for (const auto& [name, members] : groups_) out.push_back(name);
  return out;
}

std::size_t local_groups::size(const std::string& group) const {
  auto snapshot = members(group);
  return snapshot ? snapshot->size() : 0;
}

}  // namespace whisper::redis_detail
