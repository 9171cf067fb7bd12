#include "dispatch_world.hpp"

#include <algorithm>
#include <string>

#include "fuzz_check.hpp"
#include "reference_utf8.hpp"

namespace whisper_fuzz {

namespace {

whisper::hub_options fuzzed_options(FuzzedDataProvider& p) {
  whisper::hub_options options;
  whisper::limits& lim = options.limits;
  lim.max_frame_bytes =
      p.ConsumeBool() ? std::size_t{64} * 1024 : p.ConsumeIntegralInRange<std::size_t>(8, 400);
  lim.max_message_bytes = p.ConsumeBool() ? 4096 : p.ConsumeIntegralInRange<std::size_t>(0, 40);
  lim.max_rooms_per_connection = p.ConsumeIntegralInRange<std::size_t>(1, 3);
  // Rate limiting on (small bucket, few strikes, so both are reached) or off.
  lim.commands_per_second = p.ConsumeBool() ? 0.0 : p.ConsumeIntegralInRange<int>(1, 50);
  lim.command_burst = p.ConsumeIntegralInRange<int>(1, 10);
  lim.rate_limit_strikes = p.ConsumeIntegralInRange<std::size_t>(1, 5);
  options.enter_leave_notices = p.ConsumeBool();
  return options;
}

}  // namespace

dispatch_world::dispatch_world(FuzzedDataProvider& p) {
  rooms_.create("Lobby", false);
  rooms_.create("Random", false);
  rooms_.create("Staff room", true);
  // Presence and the rate limiter read the fuzzer's clock, so every run is reproducible.
  presence_ = std::make_unique<whisper::memory_presence>(std::chrono::hours(1), [this] {
    return std::chrono::system_clock::time_point(std::chrono::seconds(1'700'000'000)) +
           std::chrono::duration_cast<std::chrono::system_clock::duration>(now_.time_since_epoch());
  });
  whisper::hub_options options = fuzzed_options(p);
  options.steady_now = [this] { return now_; };
  hub_ = std::make_unique<whisper::chat_hub>(layer_, rooms_, *presence_, std::move(options));

  // alice in two tabs, bob, and carol who is staff.
  const whisper::user alice{1, "alice", "Alice A.", false, true};
  const whisper::user bob{2, "bob", "", false, true};
  const whisper::user carol{3, "carol", "Carol <staff>", true, true};
  const whisper::user who[slots] = {alice, alice, bob, carol};
  for (std::size_t i = 0; i < slots; ++i) {
    slots_[i].who = who[i];
    // A slow client never reads: its queue holds a few frames, then it is dropped.
    slots_[i].capacity = p.ConsumeBool() ? p.ConsumeIntegralInRange<std::size_t>(1, 8) : 1u << 20;
    connect(i);
  }
}

dispatch_world::~dispatch_world() = default;

void dispatch_world::connect(std::size_t index) {
  connection_slot& s = slots_[index];
  s.conn = std::make_shared<fake_connection>(s.capacity);
  s.consumer = hub_->connect(s.conn, s.who);
  made_.push_back(s.consumer);
}

dispatch_world::memberships_t dispatch_world::memberships() const {
  memberships_t out;
  for (std::size_t i = 0; i < slots; ++i) {
    for (whisper::room_id r : slots_[i].consumer->rooms()) out[i].insert(r);
  }
  return out;
}

dispatch_world::replies_t dispatch_world::collect() {
  replies_t replies;
  for (std::size_t i = 0; i < slots; ++i) {
    replies[i] = decode_frames(slots_[i].conn->take_frames());
    if (slots_[i].capacity > 8) slots_[i].conn->drain();  // a client that keeps reading
  }
  return replies;
}

dispatch_world::replies_t dispatch_world::send_text(std::size_t index, std::string_view frame) {
  slots_[index].consumer->on_text(frame);
  return collect();
}

void dispatch_world::publish(FuzzedDataProvider& p) {
  static constexpr whisper::room_id ids[] = {lobby, random_room, staff_room, missing_room};
  const whisper::room_id room = ids[p.ConsumeIntegralInRange<int>(0, 3)];
  const int kind = p.ConsumeIntegralInRange<int>(0, 6);
  // Valid UTF-8, as the server's API hands over (it parsed JSON): publish() itself does
  // not validate, and a frame with bad UTF-8 would make browsers drop the socket.
  const std::string message = valid_utf8_prefix(p.ConsumeRandomLengthString(64));
  const memberships_t in = memberships();
  const bool sent = hub_->publish(room, static_cast<whisper::msg_type>(kind), "server", message);
  // Only messages and notices (0..3), only to a room that exists.
  FUZZ_CHECK(sent == (kind <= 3 && rooms_.find(room).has_value()));
  const replies_t replies = collect();
  for (std::size_t i = 0; i < slots; ++i) {
    if (!sent || in[i].count(room) == 0) {
      FUZZ_CHECK(replies[i].empty());
    } else if (!lost(i)) {
      FUZZ_CHECK(replies[i].size() == 1 && replies[i][0].kind == "msg");
      FUZZ_CHECK(replies[i][0].msg_type == kind && replies[i][0].room == room);
    }
  }
}

void dispatch_world::delete_room(whisper::room_id room) {
  if (!rooms_.remove(room)) return;
  const memberships_t in = memberships();
  hub_->delete_room(room);
  const replies_t replies = collect();
  // Each member is told (ROOM_INVALID naming the room) and dropped from it, silently.
  for (std::size_t i = 0; i < slots; ++i) {
    FUZZ_CHECK(slots_[i].consumer->joined(room) == false);
    if (in[i].count(room) == 0) {
      FUZZ_CHECK(replies[i].empty());
    } else if (!lost(i)) {
      FUZZ_CHECK(replies[i].size() == 1 && replies[i][0].kind == "ROOM_INVALID");
      FUZZ_CHECK(replies[i][0].room == room);
    }
  }
}

void dispatch_world::disconnect_user(whisper::user_id id) {
  hub_->disconnect_user(id);
  for (std::size_t i = 0; i < slots; ++i) {
    // Every connection of that user is asked to close with 1008, and only those.
    const bool theirs = slots_[i].who.id == id;
    FUZZ_CHECK(!theirs || slots_[i].conn->close_code() == whisper::close_code::policy_violation);
    if (!theirs) FUZZ_CHECK(slots_[i].conn->take_frames().empty());
  }
}

void dispatch_world::check_common(std::size_t index, std::string_view frame,
                                  const memberships_t& before, const replies_t& replies) const {
  const auto unchanged = [&] {
    FUZZ_CHECK(memberships() == before);
    for (std::size_t i = 0; i < slots; ++i) FUZZ_CHECK(i == index || replies[i].empty());
  };
  if (frame.size() > limits().max_frame_bytes) {
    FUZZ_CHECK(slots_[index].conn->close_code() == whisper::close_code::message_too_big);
    FUZZ_CHECK(replies[index].empty());
    return unchanged();
  }
  const auto& mine = replies[index];
  if (!mine.empty() && mine.front().kind == "RATE_LIMITED") {
    FUZZ_CHECK(mine.size() == 1);  // the refused frame is not processed
    return unchanged();
  }
  if (!lost(index)) FUZZ_CHECK(!mine.empty());  // every command is answered
  // A chat message is encoded once and reaches exactly the room's members.
  const memberships_t after = memberships();
  for (const auto& got : replies) {
    for (const wire_frame& f : got) {
      if (f.kind != "msg" || f.msg_type != 0) continue;
      for (std::size_t i = 0; i < slots; ++i) {
        const auto n = std::count_if(replies[i].begin(), replies[i].end(),
                                     [&](const wire_frame& g) { return g.bytes == f.bytes; });
        if (after[i].count(*f.room) == 0)
          FUZZ_CHECK(n == 0);
        else if (!lost(i))
          FUZZ_CHECK(n == 1);
      }
    }
  }
}

bool dispatch_world::step_was_normal(std::size_t index, std::string_view frame,
                                     const replies_t& replies) const {
  const auto& mine = replies[index];
  return frame.size() <= limits().max_frame_bytes && !lost(index) && !mine.empty() &&
         mine.front().kind != "RATE_LIMITED";
}

void dispatch_world::close_slot(std::size_t index) {
  connection_slot& s = slots_[index];
  const std::set<whisper::room_id> left_rooms = memberships()[index];
  for (auto& other : slots_) other.conn->take_frames();
  s.consumer->on_close();
  s.consumer->on_close();  // idempotent
  FUZZ_CHECK(s.consumer->rooms().empty());
  // Nothing about the connection outlives it: a late frame does nothing.
  s.consumer->on_text(R"({"command":"join","room":1})");
  FUZZ_CHECK(s.consumer->rooms().empty());
  FUZZ_CHECK(s.conn->take_frames().empty());
  // The remaining members of each room it was in are told it left.
  const memberships_t now_in = memberships();
  for (std::size_t i = 0; i < slots; ++i) {
    if (i == index || lost(i)) continue;
    const auto got = decode_frames(slots_[i].conn->take_frames());
    if (slots_[i].capacity > 8) slots_[i].conn->drain();
    std::size_t due = 0;
    for (whisper::room_id r : left_rooms) due += notices() && now_in[i].count(r) != 0;
    FUZZ_CHECK(got.size() == due);
    for (const wire_frame& f : got) {
      FUZZ_CHECK(f.kind == "msg" && f.msg_type == 5 && left_rooms.count(*f.room) != 0);
      FUZZ_CHECK(string_field(f, "username") == s.who.username);
    }
  }
}

void dispatch_world::disconnect(std::size_t index) {
  close_slot(index);
  connect(index);
}

void dispatch_world::close_requested_connections() {
  for (std::size_t i = 0; i < slots; ++i) {
    if (slots_[i].conn->close_requested()) disconnect(i);
  }
}

void dispatch_world::check_groups() const {
  const memberships_t in = memberships();
  for (whisper::room_id r : {lobby, random_room, staff_room, missing_room}) {
    std::size_t members = 0;
    for (std::size_t i = 0; i < slots; ++i) members += in[i].count(r);
    FUZZ_CHECK(layer_.group_size(whisper::group_name(r)) == members);
  }
  for (std::size_t i = 0; i < slots; ++i) {
    FUZZ_CHECK(in[i].size() <= limits().max_rooms_per_connection);
    FUZZ_CHECK(in[i].count(missing_room) == 0);
    if (!slots_[i].who.is_staff) FUZZ_CHECK(in[i].count(staff_room) == 0);
  }
  for (whisper::user_id id : {1, 2, 3}) {
    const auto connected = std::count_if(slots_.begin(), slots_.end(),
                                         [&](const connection_slot& s) { return s.who.id == id; });
    FUZZ_CHECK(layer_.group_size(whisper::user_group_name(id)) ==
               static_cast<std::size_t>(connected));
  }
}

void dispatch_world::close_everything() {
  for (std::size_t i = 0; i < slots; ++i) close_slot(i);
  for (whisper::room_id r : {lobby, random_room, staff_room})
    FUZZ_CHECK(layer_.group_size(whisper::group_name(r)) == 0);
  for (whisper::user_id id : {1, 2, 3})
    FUZZ_CHECK(layer_.group_size(whisper::user_group_name(id)) == 0);
  FUZZ_CHECK(hub_->open_connections() == 0);
  for (connection_slot& s : slots_) s.consumer.reset();
  // The layer let go of every consumer: none is kept alive by a cycle or a leftover.
  for (const auto& weak : made_) FUZZ_CHECK(weak.expired());
}

}  // namespace whisper_fuzz
