// Open connections per key (remote IP, user id), shared by every io thread, for the
// limits max_connections_per_ip and max_connections_per_user, and in total over all keys
// for the process-wide max_connections (the per-user counter sees every WebSocket, so it
// is where the global cap is counted: one lock, one slot per connection). Touched only when a
// connection is accepted, upgraded or closed — never on the frame path — so one mutex
// around one unordered_map is cheap enough; an entry is erased when its count drops to 0.
#pragma once

#include <cstddef>
#include <memory>
#include <mutex>
#include <optional>
#include <unordered_map>
#include <utility>

namespace whisper::net {

/// Counts open connections per Key against a limit.
///
/// Thread safety: every member may be called from any thread. A slot is a move-only
/// value owned by one connection (one thread at a time); it releases its count when it
/// is released or destroyed, also after the server is gone (it shares the counter).
template <typename Key>
class connection_counter : public std::enable_shared_from_this<connection_counter<Key>> {
  using map_type = std::unordered_map<Key, std::size_t>;

 public:
  /// One counted connection; an empty slot (unlimited, or released) counts nothing.
  class slot {
   public:
    slot() = default;
    slot(slot&& other) noexcept
        : owner_(std::move(other.owner_)), entry_(std::exchange(other.entry_, nullptr)) {}
    slot& operator=(slot&& other) noexcept {
      if (this != &other) {
        release();
        owner_ = std::move(other.owner_);
        entry_ = std::exchange(other.entry_, nullptr);
      }
      return *this;
    }
    slot(const slot&) = delete;
    slot& operator=(const slot&) = delete;
    ~slot() { release(); }

    /// Gives the count back now (idempotent).
    void release() {
      if (!owner_) return;
      owner_->give_back(entry_);
      owner_.reset();
      entry_ = nullptr;
    }

   private:
    friend class connection_counter;
    slot(std::shared_ptr<connection_counter> owner, typename map_type::value_type* entry)
        : owner_(std::move(owner)), entry_(entry) {}

    std::shared_ptr<connection_counter> owner_;
    // Stable while counted: unordered_map nodes never move, and the entry is erased only
    // when the last slot naming it gives its count back.
    typename map_type::value_type* entry_ = nullptr;
  };

  /// Which limit a refused try_acquire hit.
  enum class refusal { none, key_limit, total_limit };

  /// A slot for `key` when fewer than `limit` are open; nullopt when at the limit.
  /// limit 0 means unlimited: an empty slot, nothing counted, no lock taken.
  std::optional<slot> try_acquire(const Key& key, std::size_t limit) {
    refusal ignored = refusal::none;
    return try_acquire(key, limit, 0, ignored);
  }

  /// The same, and also nullopt when `total_limit` connections are counted over all
  /// keys (0: no total limit); `why` says which limit refused. The total is checked
  /// first: a full server says so whoever asks.
  std::optional<slot> try_acquire(const Key& key, std::size_t limit, std::size_t total_limit,
                                  refusal& why) {
    why = refusal::none;
    if (limit == 0 && total_limit == 0) return slot();
    std::lock_guard<std::mutex> lock(mutex_);
    if (total_limit != 0 && total_ >= total_limit) {
      why = refusal::total_limit;
      return std::nullopt;
    }
    auto& entry = *counts_.try_emplace(key, 0).first;
    if (limit != 0 && entry.second >= limit) {  // an entry at the limit is non-zero
      why = refusal::key_limit;
      return std::nullopt;
    }
    ++entry.second;
    ++total_;
    return slot(this->shared_from_this(), &entry);
  }

  /// Open connections counted over all keys.
  std::size_t total() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return total_;
  }

  /// Open connections counted for `key` (tests, metrics).
  std::size_t count(const Key& key) const {
    std::lock_guard<std::mutex> lock(mutex_);
    const auto it = counts_.find(key);
    return it == counts_.end() ? 0 : it->second;
  }

  /// Keys with at least one open connection (tests: entries go away at zero).
  std::size_t keys() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return counts_.size();
  }

 private:
  void give_back(typename map_type::value_type* entry) {
    std::lock_guard<std::mutex> lock(mutex_);
    --total_;
    if (--entry->second == 0) counts_.erase(entry->first);
  }

  mutable std::mutex mutex_;
  map_type counts_;
  std::size_t total_ = 0;  // sum of the counts
};

}  // namespace whisper::net
