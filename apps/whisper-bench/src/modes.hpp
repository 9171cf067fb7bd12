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

struct run_context {
  const whisper_bench::options* options = nullptr;
  std::vector<std::string> cookies;
  whisper_bench::target target;
  std::uint64_t deadline_ns = 0;  // the hard timeout; every wait stops here
};

class room_team;
struct room_plan;

// Shared by the fanout, idle and selftest modes (fanout_mode.cpp).
room_plan make_room_plan(const options& o, const std::vector<std::string>& cookies, int senders,
                         double rate);
bool set_up_rooms(room_team& team, const run_context& context, json_object& error);
// Sleeps in short steps until `when_ns` or the deadline.
void sleep_until(std::uint64_t when_ns, std::uint64_t deadline_ns);

// CPU use of bench and server over the measured window; `units` (deliveries,
// cycles) turns the server's CPU time into microseconds per unit.
struct cpu_window;
std::string cpu_line(const cpu_window& cpu, std::uint64_t units);
void add_cpu(json_object& json, const cpu_window& cpu, std::uint64_t units);

json_object run_fanout(const run_context& context);
json_object run_idle(const run_context& context);
json_object run_connect(const run_context& context);
json_object run_selftest(run_context context);

}  // namespace whisper_bench
