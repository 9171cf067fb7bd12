// Sliding log of failure times per key, capped at the limit: the oldest failure ages
// out exactly one window after it happened, with no bucket-boundary burst.
#include "http/login_throttle.hpp"

#include <algorithm>

namespace whisper_server {
namespace {

std::string bounded(const std::string& key) {
  return key.substr(0, login_throttle::max_key_bytes);
}

}  // namespace

login_throttle::login_throttle(std::size_t per_username, std::size_t per_ip, std::size_t max_keys,
                               std::chrono::seconds window)
    : max_keys_(std::max<std::size_t>(1, max_keys)),
      window_(window),
      by_username_{per_username, {}},
      by_ip_{per_ip, {}} {}

bool login_throttle::over_limit(counter_map& map, const std::string& key, clock::time_point now) {
  if (map.limit == 0) return false;
  auto it = map.keys.find(bounded(key));
  if (it == map.keys.end()) return false;
  failures& times = it->second;
  const auto live = std::find_if(times.begin(), times.end(),
                                 [&](clock::time_point t) { return now - t < window_; });
  times.erase(times.begin(), live);
  if (times.empty()) {
    map.keys.erase(it);
    return false;
  }
  return times.size() >= map.limit;
}

void login_throttle::prune(counter_map& map, clock::time_point now) {
  for (auto it = map.keys.begin(); it != map.keys.end();) {
    if (it->second.empty() || now - it->second.back() >= window_) {
      it = map.keys.erase(it);
    } else {
      ++it;
    }
  }
  if (map.keys.size() < max_keys_) return;
  // Still full of live keys: forget the one whose latest failure is oldest.
  auto oldest = std::min_element(
      map.keys.begin(), map.keys.end(),
      [](const auto& a, const auto& b) { return a.second.back() < b.second.back(); });
  map.keys.erase(oldest);
}

void login_throttle::add(counter_map& map, const std::string& key, clock::time_point now) {
  if (map.limit == 0) return;
  const std::string name = bounded(key);
  if (map.keys.size() >= max_keys_ && map.keys.find(name) == map.keys.end()) prune(map, now);
  failures& times = map.keys[name];
  times.push_back(now);
  // More than `limit` entries never changes a decision: keep memory per key bounded.
  if (times.size() > map.limit)
    times.erase(times.begin(), times.end() - static_cast<std::ptrdiff_t>(map.limit));
}

bool login_throttle::allowed(const std::string& username, const std::string& ip,
                             clock::time_point now) {
  std::lock_guard<std::mutex> lock(mutex_);
  const bool user_over = over_limit(by_username_, username, now);
  const bool ip_over = over_limit(by_ip_, ip, now);
  return !user_over && !ip_over;
}

void login_throttle::record_failure(const std::string& username, const std::string& ip,
                                    clock::time_point now) {
  std::lock_guard<std::mutex> lock(mutex_);
  add(by_username_, username, now);
  add(by_ip_, ip, now);
}

void login_throttle::record_success(const std::string& username) {
  std::lock_guard<std::mutex> lock(mutex_);
  by_username_.keys.erase(bounded(username));
}

std::size_t login_throttle::size() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return by_username_.keys.size() + by_ip_.keys.size();
}

}  // namespace whisper_server
