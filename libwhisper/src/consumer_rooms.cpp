// The room commands of a consumer (the original's join_room, leave_room, send_room) and
// the presence list.
#include <algorithm>
#include <string>
#include <string_view>
#include <vector>

#include "whisper/chat_hub.hpp"
#include "whisper/consumer.hpp"
#include "whisper/protocol.hpp"

namespace whisper {

namespace {
// The error frame's message when a room is taken from a member whose account changed.
constexpr std::string_view access_revoked_text = "Your access to this room was revoked.";

// The joined rooms, a sorted vector (consumer::rooms_).
bool contains(const std::vector<room_id>& rooms, room_id room) {
  return std::binary_search(rooms.begin(), rooms.end(), room);
}
void insert(std::vector<room_id>& rooms, room_id room) {
  const auto at = std::lower_bound(rooms.begin(), rooms.end(), room);
  if (at == rooms.end() || *at != room) rooms.insert(at, room);
}
bool erase(std::vector<room_id>& rooms, room_id room) {
  const auto at = std::lower_bound(rooms.begin(), rooms.end(), room);
  if (at == rooms.end() || *at != room) return false;
  rooms.erase(at);
  return true;
}
}  // namespace

std::optional<room> consumer::room_for_user(room_id id) {
  std::optional<whisper::room> found = hub_.rooms().find(id);
  if (!found) {
    queue_error(error_code::room_invalid, id);
    return std::nullopt;
  }
  if (auto why = refused(*found)) {
    queue_error(*why, id);
    return std::nullopt;
  }
  return found;
}

std::optional<error_code> consumer::refused(const room& r) const {
  return hub_.policy()(user(), r);
}

void consumer::join(room_id room) {
  const std::optional<whisper::room> found = room_for_user(room);
  if (!found) return;
  // Decide under the lock, answer outside it: no lock is held while calling the transport.
  bool already_in = false;
  bool too_many = false;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    already_in = contains(rooms_, room);
    too_many = !already_in && rooms_.size() >= hub_.options().limits.max_rooms_per_connection;
  }
  if (too_many) {
    queue_error(error_code::room_access_denied, room, "too many rooms joined");
    return;
  }
  if (already_in) {
    queue(encode_join_reply(room, found->title));  // already in: only repeat the reply
    return;
  }
  const std::string group = group_name(room);
  // Announce before joining the group, so the joiner does not get its own ENTER.
  if (hub_.options().enter_leave_notices) {
    hub_.layer().group_send(group, make_enter_event(room, user_.username));
  }
  hub_.layer().group_add(group, channel_name_);
  {
    std::lock_guard<std::mutex> lock(mutex_);
    insert(rooms_, room);
  }
  hub_.presence().entered(room, user());
  // A room deleted while we joined: either its room.deleted event reaches us now that we
  // are in the group, or this second look sees it gone and we back out.
  if (!hub_.rooms().find(room)) {
    bool still_in = false;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      still_in = erase(rooms_, room);
    }
    hub_.layer().group_discard(group, channel_name_);
    if (still_in) hub_.presence().left(room, user());  // else room.deleted already did
    queue_error(error_code::room_invalid, room);
    return;
  }
  // The account may have changed while we joined, before apply_user_change() could see
  // this room in rooms_: ask the policy again now that it is there, so no change is missed.
  if (auto why = refused(*found)) {
    forget_room(room, hub_.options().enter_leave_notices);
    queue_error(*why, room, access_revoked_text);
    return;
  }
  hub_.stats().joins.fetch_add(1, std::memory_order_relaxed);
  queue(encode_join_reply(room, found->title));
}

void consumer::leave(room_id room) {
  if (!hub_.rooms().find(room)) {
    queue_error(error_code::room_invalid, room);
    return;
  }
  forget_room(room, hub_.options().enter_leave_notices);
  queue(encode_leave_reply(room));
}

void consumer::forget_room(room_id room, bool notify) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (!erase(rooms_, room)) return;
  }
  const std::string group = group_name(room);
  hub_.layer().group_discard(group, channel_name_);
  hub_.presence().left(room, user());
  hub_.stats().leaves.fetch_add(1, std::memory_order_relaxed);
  // After leaving the group: the notice reaches only those that remain.
  if (notify) hub_.layer().group_send(group, make_leave_event(room, user_.username));
}

void consumer::say(room_id room, std::string_view message) {
  // Membership alone decides (no directory lookup on the hot path): a deleted room is
  // dropped from every consumer by its room.deleted event.
  if (!joined(room)) {
    queue_error(error_code::room_access_denied, room, "join the room first");
    return;
  }
  if (message.size() > hub_.options().limits.max_message_bytes) {
    queue_error(error_code::message_too_long, room);
    return;
  }
  hub_.stats().messages_in.fetch_add(1, std::memory_order_relaxed);
  // As the original: sending refreshes the sender's presence (coalesced by the presence to
  // once a second; user_.id never changes, so it is read without the lock).
  hub_.presence().sent_message(room, user_.id);
  // One event, its frame encoded once, shared by every member (the sender included).
  hub_.layer().group_send(
      group_name(room),
      make_message_event(room, msg_type::message, user_.username, std::string(message)));
}

void consumer::list_users(room_id room) {
  if (!room_for_user(room)) return;
  // The presence may answer later on another thread: hold the consumer only weakly.
  std::weak_ptr<consumer> self = weak_from_this();
  hub_.presence().list(room, [self, room](const std::vector<presence_entry>& users) {
    if (auto me = self.lock()) {
      if (!me->closed_.load(std::memory_order_acquire)) me->queue(encode_room_users(room, users));
    }
  });
}

void consumer::apply_user_change(const whisper::user& now) {
  if (closed_.load(std::memory_order_acquire)) return;
  std::vector<room_id> held;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    user_.name = now.name;
    user_.is_staff = now.is_staff;
    user_.is_active = now.is_active;
    held.assign(rooms_.begin(), rooms_.end());
  }
  if (!now.is_active) {
    close(close_code::policy_violation, "account disabled");
    return;
  }
  const bool notify = hub_.options().enter_leave_notices;
  for (room_id id : held) {
    const std::optional<whisper::room> found = hub_.rooms().find(id);
    if (!found) continue;  // deleted: its room.deleted event removes it
    if (auto why = refused(*found)) {
      forget_room(id, notify);
      queue_error(*why, id, access_revoked_text);
    }
  }
}

bool consumer::joined(room_id room) const {
  std::lock_guard<std::mutex> lock(mutex_);
  return contains(rooms_, room);
}

std::vector<room_id> consumer::rooms() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return rooms_;
}

}  // namespace whisper
