// The chat hub: configuration, the built-in event handlers, and the server-side API
// (publish, delete a room, disconnect a user).
#include "whisper/chat_hub.hpp"

#include <variant>

namespace whisper {

namespace {

// chat.*: the event arrives with its frame encoded once; pass the shared bytes on.
void send_wire(consumer& self, const event& e) {
  self.queue(e.wire);
}

// room.deleted: tell the member, then drop the room (no LEAVE: the room is gone).
void drop_deleted_room(consumer& self, const event& e) {
  self.forget_room(e.room, false);
  self.queue(e.wire);
}

// user.disconnect: close with the code and reason the event carries.
void close_user(consumer& self, const event& e) {
  const auto& d = std::get<user_disconnect>(e.body);
  // A logout: only the connections of that session (the others of the user stay).
  if (!d.session.empty() && d.session != self.session()) return;
  self.close(d.code, d.reason);
}

// user.changed: the consumer re-checks what it may keep.
void apply_change(consumer& self, const event& e) {
  self.apply_user_change(std::get<user_changed>(e.body).now);
}

constexpr std::size_t index_of(event_kind kind) {
  return static_cast<std::size_t>(kind);
}

}  // namespace

chat_hub::chat_hub(channel_layer& layer, room_lookup& rooms, whisper::presence& presence,
                   hub_options options)
    : layer_(layer),
      rooms_(rooms),
      presence_(presence),
      options_(std::move(options)),
      policy_(staff_only_policy()) {
  kind_handlers_[index_of(event_kind::chat_message)] = send_wire;
  kind_handlers_[index_of(event_kind::member_joined)] = send_wire;
  kind_handlers_[index_of(event_kind::member_left)] = send_wire;
  kind_handlers_[index_of(event_kind::room_deleted)] = drop_deleted_room;
  kind_handlers_[index_of(event_kind::user_disconnect)] = close_user;
  kind_handlers_[index_of(event_kind::user_changed)] = apply_change;
}

chat_hub::~chat_hub() {
  // Consumers may outlive the hub (a layer destroyed after it still holds some): unlist
  // them so that their destructors do not reach back into a hub that is gone.
  std::lock_guard<std::mutex> lock(connections_mutex_);
  for (consumer* c = connections_head_; c != nullptr;) {
    consumer* next = c->registry_next_;
    c->registry_prev_ = c->registry_next_ = nullptr;
    c->registered_.store(false, std::memory_order_release);
    c = next;
  }
  connections_head_ = nullptr;
}

void chat_hub::set_room_policy(room_policy policy) {
  // An empty callback would throw on every join: it restores the default instead.
  policy_ = policy ? std::move(policy) : staff_only_policy();
}

void chat_hub::on_event(std::string type, event_handler handler) {
  const event_kind kind = event_kind_of(type);
  if (kind == event_kind::custom) {
    if (handler) {
      custom_handlers_[std::move(type)] = std::move(handler);
    } else {
      custom_handlers_.erase(type);
    }
    return;
  }
  if (kind <= event_kind::member_left) {
    chat_kinds_forward_wire_ = false;  // from now on every chat.* event takes the table
  }
  kind_handlers_[index_of(kind)] = std::move(handler);
}

std::shared_ptr<consumer> chat_hub::connect(std::shared_ptr<connection> conn, user who,
                                            std::string session) {
  auto made =
      std::make_shared<consumer>(*this, std::move(conn), std::move(who), std::move(session));
  made->attach();
  {
    // At the head of the list of open connections (links inside the consumers: no
    // allocation, two pointers per connection).
    std::lock_guard<std::mutex> lock(connections_mutex_);
    made->registry_next_ = connections_head_;
    if (connections_head_) connections_head_->registry_prev_ = made.get();
    connections_head_ = made.get();
    made->registered_.store(true, std::memory_order_release);
  }
  stats_.connections_opened.fetch_add(1, std::memory_order_relaxed);
  return made;
}

bool chat_hub::publish(room_id room, msg_type kind, std::string username, std::string message) {
  // Only messages and notices: ENTER/LEAVE/INTERNAL frames are the core's to send.
  if (static_cast<int>(kind) < 0 || static_cast<int>(kind) > static_cast<int>(msg_type::muted)) {
    return false;
  }
  if (!rooms_.find(room)) return false;
  layer_.group_send(group_name(room),
                    make_message_event(room, kind, std::move(username), std::move(message)));
  return true;
}

void chat_hub::delete_room(room_id room) {
  layer_.group_send(group_name(room), make_room_deleted_event(room));
  presence_.clear(room);
}

void chat_hub::disconnect_user(user_id id, int code, std::string_view reason) {
  layer_.group_send(user_group_name(id), make_user_disconnect_event(code, reason));
}

void chat_hub::end_session(user_id id, std::string_view session, int code,
                           std::string_view reason) {
  if (session.empty()) return;  // no tag: no connection rides on that session
  // Through the user's group, which every connection of the user is in anyway: a group
  // per session would cost every connection a second membership for a rare event.
  layer_.group_send(user_group_name(id), make_user_disconnect_event(code, reason, session));
}

void chat_hub::update_user(const user& now) {
  if (!now.is_active) {
    disconnect_user(now.id, close_code::policy_violation, "account disabled");
    return;
  }
  layer_.group_send(user_group_name(now.id), make_user_changed_event(now));
}

std::uint64_t chat_hub::open_connections() const {
  const auto closed = stats_.connections_closed.load(std::memory_order_relaxed);
  const auto opened = stats_.connections_opened.load(std::memory_order_relaxed);
  return opened >= closed ? opened - closed : 0;
}

std::vector<std::shared_ptr<consumer>> chat_hub::connections() {
  std::vector<std::shared_ptr<consumer>> open;
  std::lock_guard<std::mutex> lock(connections_mutex_);
  for (consumer* c = connections_head_; c != nullptr; c = c->registry_next_) {
    // Null for a consumer whose destructor waits for this lock to unlink itself.
    if (auto live = c->weak_from_this().lock()) open.push_back(std::move(live));
  }
  return open;
}

void chat_hub::forget_connection(consumer* gone) {
  std::lock_guard<std::mutex> lock(connections_mutex_);
  if (!gone->registered_.load(std::memory_order_relaxed)) return;  // twice, or never
  if (gone->registry_prev_) {
    gone->registry_prev_->registry_next_ = gone->registry_next_;
  } else {
    connections_head_ = gone->registry_next_;
  }
  if (gone->registry_next_) gone->registry_next_->registry_prev_ = gone->registry_prev_;
  gone->registry_prev_ = gone->registry_next_ = nullptr;
  gone->registered_.store(false, std::memory_order_release);
}

const event_handler* chat_hub::handler_for(const event& e) const {
  if (const auto* custom = e.as<custom_event>()) {
    auto it = custom_handlers_.find(custom->type);
    return it == custom_handlers_.end() ? nullptr : &it->second;
  }
  const event_handler& handler = kind_handlers_[index_of(e.kind())];
  return handler ? &handler : nullptr;
}

std::chrono::steady_clock::time_point chat_hub::steady_now() const {
  return options_.steady_now ? options_.steady_now() : std::chrono::steady_clock::now();
}

std::string user_group_name(user_id id) {
  return "user-" + std::to_string(id);
}

}  // namespace whisper
