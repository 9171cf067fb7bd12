// fuzz_event: the cross-process event format (serialize_event / deserialize_event) that
// the Redis channel layer sends between servers.
//  - Arbitrary text: deserialize_event never crashes; what it accepts survives a
//    serialize/deserialize round trip unchanged (same kind, same serialized form) and,
//    for the core's kinds with a frame, has a wire frame that is a JSON object naming
//    the same room.
//  - Events made from the fuzzer's fields (valid UTF-8 text, as every frame the core
//    parsed is) come back from the round trip unchanged.
#include <fuzzer/FuzzedDataProvider.h>

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "fuzz_check.hpp"
#include "reference_utf8.hpp"
#include "whisper/event.hpp"

namespace {

// The serialized form names every field of every kind: equal forms, equal events.
bool same_event(const whisper::event& a, const whisper::event& b) {
  return a.kind() == b.kind() && a.room == b.room &&
         whisper::serialize_event(a) == whisper::serialize_event(b);
}

bool has_wire(whisper::event_kind kind) {
  using k = whisper::event_kind;
  return kind == k::chat_message || kind == k::member_joined || kind == k::member_left ||
         kind == k::room_deleted;
}

// The wire frame of a core event is one JSON object about the event's room.
void check_wire(const whisper::event& e) {
  if (!has_wire(e.kind())) return;
  FUZZ_CHECK(e.wire != nullptr);
  boost::json::error_code ec;
  const boost::json::value frame = boost::json::parse(*e.wire, ec);
  FUZZ_CHECK(!ec && frame.is_object());
  const boost::json::value* room = frame.get_object().if_contains("room");
  FUZZ_CHECK(room != nullptr && room->is_int64() && room->get_int64() == e.room);
}

void check_round_trip(const whisper::event& e) {
  const std::string text = whisper::serialize_event(e);
  const whisper::event_ptr back = whisper::deserialize_event(text);
  FUZZ_CHECK(back != nullptr);
  FUZZ_CHECK(same_event(e, *back));
  check_wire(*back);
}

std::string utf8_string(FuzzedDataProvider& p, std::size_t max) {
  return whisper_fuzz::valid_utf8_prefix(p.ConsumeRandomLengthString(max));
}

whisper::event_ptr built_event(FuzzedDataProvider& p) {
  const auto room = p.ConsumeIntegral<whisper::room_id>();
  std::string username = utf8_string(p, 64);
  switch (p.ConsumeIntegralInRange<int>(0, 6)) {
    case 0: {
      const auto kind = static_cast<whisper::msg_type>(p.ConsumeIntegralInRange<int>(0, 3));
      return whisper::make_message_event(room, kind, std::move(username), utf8_string(p, 256));
    }
    case 1:
      return whisper::make_enter_event(room, std::move(username));
    case 2:
      return whisper::make_leave_event(room, std::move(username));
    case 3:
      return whisper::make_room_deleted_event(room);
    case 4: {
      const int code = p.ConsumeIntegralInRange<int>(1000, 4999);
      const std::string reason = utf8_string(p, 64);
      return whisper::make_user_disconnect_event(code, reason, utf8_string(p, 32));
    }
    case 5: {
      whisper::user u;
      u.username = std::move(username);
      u.name = utf8_string(p, 64);
      u.is_staff = p.ConsumeBool();
      u.is_active = p.ConsumeBool();
      return whisper::make_user_changed_event(u);
    }
    default: {
      std::string type = utf8_string(p, 32);
      // A core name would be decoded as that kind: that is the other cases' job.
      if (whisper::event_kind_of(type) != whisper::event_kind::custom) type = "x." + type;
      return whisper::make_custom_event(std::move(type), room, utf8_string(p, 128), nullptr);
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  if (const whisper::event_ptr e = whisper::deserialize_event(text)) {
    FUZZ_CHECK(static_cast<std::size_t>(e->kind()) < whisper::event_kind_count);
    check_wire(*e);
    check_round_trip(*e);
  }
  FuzzedDataProvider p(data, size);
  check_round_trip(*built_event(p));
  return 0;
}
