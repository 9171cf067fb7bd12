// fuzz_dispatch: the command path of the core (consumer::on_text -> dispatcher -> rooms
// -> in-process channel layer -> consumers) driven by a sequence of text frames the
// fuzzer picks: raw bytes, or join/leave/send/room_users commands with valid, missing or
// bad fields, from four connections (alice twice, bob, staff carol) over three rooms
// (one staff-only), with random limits, slow clients and a clock for the rate limiter.
//
// Invariants (PROTOCOL.md):
//  - every frame a client gets is one of the protocol's shapes (wire_frames.cpp);
//  - a command is answered (unless its connection is being closed or is too slow), a
//    rate-limited one with RATE_LIMITED alone and no effect; a frame over the size limit
//    closes with 1009;
//  - a well-formed command gets exactly the reply the protocol prescribes (dispatch_model);
//  - a chat message reaches every member of its room as the same shared bytes, and no
//    one else; group sizes always equal the number of joined connections;
//  - the server-side API: publish reaches exactly the room's members; a deleted room
//    tells its members and drops them; disconnect_user closes that user's connections;
//  - a closing connection leaves every room, its members get LEAVE, and at the end
//    every group is empty and no consumer outlives its connection.
#include <fuzzer/FuzzedDataProvider.h>

#include <cstddef>
#include <cstdint>
#include <string>

#include "dispatch_model.hpp"
#include "dispatch_world.hpp"
#include "fuzz_check.hpp"

namespace {

using whisper_fuzz::dispatch_world;

// One structured command from `slot`, checked against the model.
void command_step(dispatch_world& w, FuzzedDataProvider& p, std::size_t slot) {
  const whisper_fuzz::planned_command plan = whisper_fuzz::plan_command(p, w.limits());
  const auto before = w.memberships();
  const auto replies = w.send_text(slot, plan.frame);
  w.check_common(slot, plan.frame, before, replies);
  if (!w.step_was_normal(slot, plan.frame, replies)) return;
  whisper_fuzz::check_command(w, slot, plan, before, replies);
}

void raw_step(dispatch_world& w, FuzzedDataProvider& p, std::size_t slot) {
  const std::string frame = p.ConsumeRandomLengthString(300);
  const auto before = w.memberships();
  const auto replies = w.send_text(slot, frame);
  w.check_common(slot, frame, before, replies);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  FuzzedDataProvider p(data, size);
  dispatch_world w(p);
  // Bounded: a long input cannot turn into an endless run.
  for (int step = 0; step < 200 && p.remaining_bytes() > 0; ++step) {
    const std::size_t slot = p.ConsumeIntegralInRange<std::size_t>(0, dispatch_world::slots - 1);
    switch (p.ConsumeIntegralInRange<int>(0, 12)) {
      case 6:
      case 7:
        raw_step(w, p, slot);
        break;
      case 8:
        w.disconnect(slot);  // the client vanished
        break;
      case 9:
        w.advance_clock(p.ConsumeIntegralInRange<int>(0, 5000));
        break;
      case 10:
        w.publish(p);
        break;
      case 11:
        // Rarely: the room is gone for the rest of this input.
        if (p.ConsumeIntegralInRange<int>(0, 7) == 0)
          w.delete_room(p.ConsumeIntegralInRange<whisper::room_id>(1, 3));
        break;
      case 12:
        w.disconnect_user(p.ConsumeIntegralInRange<whisper::user_id>(1, 3));
        break;
      default:
        command_step(w, p, slot);
        break;
    }
    w.close_requested_connections();
    w.check_groups();
  }
  w.close_everything();
  return 0;
}
