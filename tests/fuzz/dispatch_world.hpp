// The fixture of the dispatch fuzz target: a chat hub over memory stores and the
// in-process channel layer, four client connections, and the checks that hold after
// any frame (see fuzz_dispatch.cpp for the list).
#pragma once

#include <fuzzer/FuzzedDataProvider.h>

#include <array>
#include <chrono>
#include <cstddef>
#include <memory>
#include <set>
#include <string_view>
#include <vector>

#include "fake_connection.hpp"
#include "whisper/chat_hub.hpp"
#include "whisper/in_process_channel_layer.hpp"
#include "whisper/memory_stores.hpp"
#include "whisper/presence.hpp"
#include "wire_frames.hpp"

namespace whisper_fuzz {

/// Rooms of the fixture: two open rooms, one staff-only, and an id that does not exist.
inline constexpr whisper::room_id lobby = 1, random_room = 2, staff_room = 3, missing_room = 99;

/// Thread safety: unsafe; one fuzz input runs on one thread.
class dispatch_world {
 public:
  static constexpr std::size_t slots = 4;
  /// The rooms each slot's connection has joined.
  using memberships_t = std::array<std::set<whisper::room_id>, slots>;
  /// The frames each slot received during one step.
  using replies_t = std::array<std::vector<wire_frame>, slots>;

  /// Limits, notices and slow clients come from the fuzzer's bytes.
  explicit dispatch_world(FuzzedDataProvider& p);
  ~dispatch_world();
  dispatch_world(const dispatch_world&) = delete;
  dispatch_world& operator=(const dispatch_world&) = delete;

  const whisper::limits& limits() const { return hub_->options().limits; }
  bool notices() const { return hub_->options().enter_leave_notices; }
  const whisper::user& user(std::size_t slot) const { return slots_[slot].who; }
  whisper::room_directory& rooms() { return rooms_; }
  /// True when the slot's connection overflowed or is closing: frames may be missing.
  bool lost(std::size_t slot) const { return slots_[slot].conn->close_requested(); }
  memberships_t memberships() const;

  /// Delivers one text frame from a slot and collects what every slot received.
  replies_t send_text(std::size_t slot, std::string_view frame);
  /// The checks that hold for any frame.
  void check_common(std::size_t slot, std::string_view frame, const memberships_t& before,
                    const replies_t& replies) const;
  /// False when the frame was refused before dispatch (size, rate) or the sender is lost.
  bool step_was_normal(std::size_t slot, std::string_view frame, const replies_t& replies) const;

  /// The client vanished: the transport reports the close; a new client takes the slot.
  void disconnect(std::size_t slot);
  void advance_clock(int milliseconds) { now_ += std::chrono::milliseconds(milliseconds); }
  // The server-side API (chat_hub::publish, delete_room, disconnect_user), each checked.
  void publish(FuzzedDataProvider& p);
  void delete_room(whisper::room_id room);
  void disconnect_user(whisper::user_id id);

  /// Completes the closes the core asked for (overflow, 1009, rate-limit strikes).
  void close_requested_connections();
  /// Group sizes equal the joined connections; rooms are within the rules.
  void check_groups() const;
  /// Closes every connection; then every group is empty and no consumer is left alive.
  void close_everything();

 private:
  struct connection_slot {
    whisper::user who;
    std::size_t capacity = 0;
    std::shared_ptr<fake_connection> conn;
    std::shared_ptr<whisper::consumer> consumer;
  };

  void connect(std::size_t index);
  void close_slot(std::size_t index);
  /// Takes every slot's frames (the clients that read drain their queues).
  replies_t collect();

  std::chrono::steady_clock::time_point now_{};
  whisper::in_process_channel_layer layer_;
  whisper::memory_room_directory rooms_;
  std::unique_ptr<whisper::memory_presence> presence_;
  std::unique_ptr<whisper::chat_hub> hub_;
  std::array<connection_slot, slots> slots_;
  std::vector<std::weak_ptr<whisper::consumer>> made_;
};

}  // namespace whisper_fuzz
