// fuzz_event: the cross-process event format (serialize_event / deserialize_event) that
// the Redis channel layer sends between servers.
//  - Arbitrary text: deserialize_event never crashes; what it accepts survives a
//    serialize/deserialize round trip unchanged, with a kind in 0..6 and, for the core's
//    types, a wire frame that is a JSON object naming the same room.
//  - Events built from the fuzzer's fields (valid UTF-8 text, as every frame the core
//    parsed is) come back from the round trip field for field.
#include <fuzzer/FuzzedDataProvider.h>

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>
#include <cstddef>
#include <cstdint>
#include <iterator>
#include <string>
#include <string_view>

#include "fuzz_check.hpp"
#include "reference_utf8.hpp"
#include "whisper/event.hpp"

namespace {

bool same_fields(const whisper::event& a, const whisper::event& b) {
  return a.type == b.type && a.room == b.room && a.username == b.username &&
         a.message == b.message && a.kind == b.kind && a.data == b.data;
}

bool is_core_type(std::string_view type) {
  namespace t = whisper::event_type;
  return type == t::chat_message || type == t::chat_join || type == t::chat_leave ||
         type == t::room_deleted;
}

// The wire frame of a core event is one JSON object about the event's room.
void check_wire(const whisper::event& e) {
  if (!is_core_type(e.type)) return;
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
  FUZZ_CHECK(same_fields(e, *back));
  check_wire(*back);
}

std::string utf8_string(FuzzedDataProvider& p, std::size_t max) {
  return whisper_fuzz::valid_utf8_prefix(p.ConsumeRandomLengthString(max));
}

whisper::event built_event(FuzzedDataProvider& p) {
  static constexpr std::string_view types[] = {
      whisper::event_type::chat_message, whisper::event_type::chat_join,
      whisper::event_type::chat_leave, whisper::event_type::room_deleted,
      whisper::event_type::user_disconnect};
  whisper::event e;
  const std::size_t pick = p.ConsumeIntegralInRange<std::size_t>(0, std::size(types));
  e.type = pick < std::size(types) ? std::string(types[pick]) : utf8_string(p, 32);
  e.room = p.ConsumeIntegral<whisper::room_id>();
  e.username = utf8_string(p, 64);
  e.message = utf8_string(p, 256);
  e.kind = p.ConsumeIntegralInRange<int>(0, 6);
  e.data = utf8_string(p, 128);
  return e;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  if (const whisper::event_ptr e = whisper::deserialize_event(text)) {
    FUZZ_CHECK(e->kind >= 0 && e->kind <= 6);
    check_wire(*e);
    check_round_trip(*e);
  }
  FuzzedDataProvider p(data, size);
  check_round_trip(built_event(p));
  return 0;
}
