// The copy-on-write group registry (see local_groups.hpp).
#include "detail/local_groups.hpp"

#include <algorithm>
#include <functional>
#include <utility>

namespace whisper::detail {

local_groups::shard& local_groups::shard_of(const std::string& group) const {
  return shards_[std::hash<std::string>{}(group) % shards_.size()];
}

std::optional<std::uint64_t> local_groups::channel_number(std::string_view name,
                                                          std::string_view prefix) {
  // Exactly the name "<prefix><n>" the layer made: decimal digits, no leading zero.
  if (name.size() <= prefix.size() || name.substr(0, prefix.size()) != prefix) return {};
  const std::string_view digits = name.substr(prefix.size());
  if (digits.size() > 1 && digits[0] == '0') return {};
  std::uint64_t n = 0;
  for (const char c : digits) {
    if (c < '0' || c > '9') return {};
    const auto d = static_cast<std::uint64_t>(c - '0');
    if (n > (UINT64_MAX - d) / 10) return {};
    n = n * 10 + d;
  }
  return n;
}

void local_groups::add_channel(std::uint64_t id, std::shared_ptr<channel> receiver) {
  std::lock_guard<std::mutex> lock(channels_mutex_);
  channels_[id].receiver = std::move(receiver);
}

std::vector<std::string> local_groups::remove_channel(std::uint64_t id) {
  std::shared_ptr<channel> released;  // declared first: dropped after unlocking, since
                                      // its destructor may run and re-enter the layer
  std::vector<std::string> emptied;
  std::lock_guard<std::mutex> lock(channels_mutex_);
  auto it = channels_.find(id);
  if (it == channels_.end()) return emptied;
  released = std::move(it->second.receiver);
  for (const std::string* joined : it->second.groups) {
    std::string group = *joined;  // a copy: discard_locked may erase the name it points at
    if (discard_locked(group, released)) emptied.push_back(std::move(group));
  }
  channels_.erase(it);
  return emptied;
}

bool local_groups::add(const std::string& group, std::uint64_t id) {
  std::lock_guard<std::mutex> lock(channels_mutex_);
  auto it = channels_.find(id);
  if (it == channels_.end()) return false;
  std::vector<const std::string*>& joined = it->second.groups;
  const auto same = [&group](const std::string* name) { return *name == group; };
  if (std::find_if(joined.begin(), joined.end(), same) != joined.end()) return false;
  shard& s = shard_of(group);
  std::lock_guard<std::mutex> shard_lock(s.mutex);
  auto slot = s.groups.try_emplace(group).first;
  joined.push_back(&slot->first);
  member_snapshot& current = slot->second;
  const bool first = !current;
  auto next = std::make_shared<member_list>();
  next->reserve((current ? current->size() : 0) + 1);
  if (current) next->insert(next->end(), current->begin(), current->end());
  next->push_back(it->second.receiver);
  current = std::move(next);
  return first;
}

bool local_groups::discard(const std::string& group, std::uint64_t id) {
  std::lock_guard<std::mutex> lock(channels_mutex_);
  auto it = channels_.find(id);
  if (it == channels_.end()) return false;
  std::vector<const std::string*>& joined = it->second.groups;
  const auto same = [&group](const std::string* name) { return *name == group; };
  const auto at = std::find_if(joined.begin(), joined.end(), same);
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

std::shared_ptr<channel> local_groups::find(std::uint64_t id) const {
  std::lock_guard<std::mutex> lock(channels_mutex_);
  auto it = channels_.find(id);
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
