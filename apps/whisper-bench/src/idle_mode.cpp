// idle: C connections joined to rooms and held; the server's VmRSS before connecting
// and after everyone joined gives its memory per connection.
#include <chrono>
#include <thread>

#include "clock.hpp"
#include "modes.hpp"
#include "proc_status.hpp"
#include "room_team.hpp"

namespace whisper_bench {

json_object run_idle(const run_context& context) {
  const options& o = *context.options;
  json_object result;
  result.add("mode", "idle");
  // Several servers (sharing rooms): their VmRSS is summed.
  const bool measured = !o.server_pids.empty();
  const std::int64_t rss_before = measured ? read_vmrss_kib(o.server_pids) : -1;
  if (measured && rss_before < 0) {
    result.add("ok", false).add("error", "cannot read VmRSS of --server-pid");
    return result;
  }
  room_team team(context.target, make_room_plan(o, context.cookies, 0, 0), o.threads);
  if (!set_up_rooms(team, context, result)) return result;
  // The server's outbound queues hold the enter notices until we have read them all.
  team.wait_quiet(500, std::min(context.deadline_ns, now_ns() + 60 * ns_per_sec));
  const std::int64_t rss_joined = measured ? read_vmrss_kib(o.server_pids) : -1;

  const std::uint64_t hold_until = now_ns() + static_cast<std::uint64_t>(o.duration_s * 1e9);
  while (now_ns() < hold_until && now_ns() < context.deadline_ns) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  const std::int64_t rss_held = measured ? read_vmrss_kib(o.server_pids) : -1;
  team_result r = team.finish();

  const double per_conn =
      rss_before >= 0 ? static_cast<double>(rss_joined - rss_before) / o.connections : -1.0;
  print_line("server VmRSS KiB: before " + std::to_string(rss_before) + ", all joined " +
             std::to_string(rss_joined) + ", after hold " + std::to_string(rss_held));
  print_line("KiB per connection: " + std::to_string(per_conn));
  const bool ok = r.totals.dropped_after_join == 0;
  if (!ok) print_line("problems: " + failure_summary(r.counters));
  result.add("ok", ok)
      .add("connections", o.connections)
      .add("rooms", static_cast<std::uint64_t>(o.room_ids.size()))
      .add("hold_s", o.duration_s)
      .add("rss_before_kib", rss_before)
      .add("rss_joined_kib", rss_joined)
      .add("rss_after_hold_kib", rss_held)
      .add("kib_per_connection", per_conn)
      .add("dropped_after_join", r.totals.dropped_after_join);
  add_counters(result, r.counters);
  return result;
}

}  // namespace whisper_bench
