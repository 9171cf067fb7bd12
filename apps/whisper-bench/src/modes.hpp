// The four things the bench can do. Each returns the JSON object that becomes the
// last output line ("ok": false and an "error" sentence when the run could not be
// done as asked); human-readable progress goes to stdout before it.
//
// Thread safety: each function is called once, from the main thread.
#pragma once

#include <string>
#include <vector>

#include "client_loop.hpp"
#include "options.hpp"
#include "report.hpp"

namespace whisper_bench {

struct RunContext {
  const Options* options = nullptr;
  std::vector<std::string> cookies;
  Target target;
  std::uint64_t deadline_ns = 0;  // the hard timeout; every wait stops here
};

class RoomTeam;
struct RoomPlan;

// Shared by the fanout, idle and selftest modes (fanout_mode.cpp).
RoomPlan make_room_plan(const Options& o, const std::vector<std::string>& cookies, int senders,
                        double rate);
bool set_up_rooms(RoomTeam& team, const RunContext& context, JsonObject& error);
// Sleeps in short steps until `when_ns` or the deadline.
void sleep_until(std::uint64_t when_ns, std::uint64_t deadline_ns);

// CPU use of bench and server over the measured window; `units` (deliveries,
// cycles) turns the server's CPU time into microseconds per unit.
struct CpuWindow;
std::string cpu_line(const CpuWindow& cpu, std::uint64_t units);
void add_cpu(JsonObject& json, const CpuWindow& cpu, std::uint64_t units);

JsonObject run_fanout(const RunContext& context);
JsonObject run_idle(const RunContext& context);
JsonObject run_connect(const RunContext& context);
JsonObject run_selftest(RunContext context);

}  // namespace whisper_bench
