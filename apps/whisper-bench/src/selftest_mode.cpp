// selftest: the bench's own ceiling. A built-in blaster thread plays a server that
// only writes pre-framed chat messages; one bench thread receives them through the
// same loop, frame decoder, classifier and histogram the fanout mode uses. Frames
// received per second here bound any figure the bench can report.
#include <chrono>
#include <thread>

#include "blaster.hpp"
#include "clock.hpp"
#include "cpu_usage.hpp"
#include "modes.hpp"
#include "room_team.hpp"
#include "sockets.hpp"

namespace whisper_bench {

json_object run_selftest(run_context context) {
  options o = *context.options;
  o.room_ids = {1};
  o.threads = 1;
  context.options = &o;
  context.cookies = {"sessionid=selftest"};
  json_object result;
  result.add("mode", "selftest");

  // The blaster and the receiver on different cores when we may use two.
  const std::vector<int> cpus = allowed_cpus();
  const int blaster_cpu = cpus.size() >= 2 ? cpus[0] : -1;
  const int receiver_cpu = cpus.size() >= 2 ? cpus[1] : -1;
  blaster blaster;
  if (!blaster.start(o.connections, blaster_cpu, o.blast_frames)) {
    result.add("ok", false).add("error", "cannot listen on 127.0.0.1");
    return result;
  }
  context.target.servers = {{make_ipv4("127.0.0.1", blaster.port()), blaster.port()}};

  room_plan plan = make_room_plan(o, context.cookies, 0, 0);
  plan.pin_cpu = receiver_cpu;
  room_team team(context.target, std::move(plan), 1);
  if (!set_up_rooms(team, context, result)) return result;
  team.begin_sending(o.warmup_s, o.duration_s);
  cpu_window cpu;
  sleep_until(team.measure_start_ns(), context.deadline_ns);
  cpu.begin();
  const std::uint64_t written_before = blaster.frames_written();
  const std::uint64_t blaster_ns_before = blaster.cpu_ns();
  sleep_until(team.measure_end_ns(), context.deadline_ns);
  cpu.end();
  const std::uint64_t written = blaster.frames_written() - written_before;
  const std::uint64_t blaster_ns = blaster.cpu_ns() - blaster_ns_before;
  team_result r = team.finish();
  blaster.stop();

  // Counted by arrival: the blaster's stamps say when a batch was written, and the
  // socket buffers hold a backlog, so send-time accounting would undercount here.
  const double frames_per_s = static_cast<double>(r.totals.arrived_measured) / o.duration_s;
  print_line("bench receive ceiling: " + std::to_string(static_cast<std::uint64_t>(frames_per_s)) +
             " frames/s on one thread (cpu " + std::to_string(receiver_cpu) + "), blaster on cpu " +
             std::to_string(blaster_cpu));
  // Frames per CPU-second of the receiving thread: the ceiling on a core of its own,
  // whatever else the machine was doing.
  const double per_cpu_s = r.cpu_s > 0 ? static_cast<double>(r.counters.frames) / r.cpu_s : 0;
  print_line("receiver thread: " + std::to_string(r.cpu_s) + " CPU s for " +
             std::to_string(r.counters.frames) + " frames = " +
             std::to_string(static_cast<std::uint64_t>(per_cpu_s)) + " frames per CPU second");
  // The blaster's cost per frame written: with --blast-frames 1, what one small send
  // (TCP_NODELAY, loopback) costs any server on this machine.
  const double blaster_us_per_frame =
      written > 0 ? static_cast<double>(blaster_ns) / 1000.0 / static_cast<double>(written) : 0;
  print_line("blaster thread: " + std::to_string(written) + " frames written, " +
             std::to_string(blaster_us_per_frame) + " us of CPU per frame (" +
             std::to_string(o.blast_frames) + " frames per write, 0 = 64 KiB batches)");
  print_line(latency_line(r.latency));
  // Bench and blaster together: about 100% each means both cores were busy.
  print_line(cpu_line(cpu, 0) + " (bench + blaster)");
  result.add("ok", r.totals.arrived_measured > 0 && r.counters.protocol_errors == 0)
      .add("connections", o.connections)
      .add("blast_frames", o.blast_frames)
      .add("duration_s", o.duration_s)
      .add("frames_per_s", frames_per_s)
      .add("receiver_cpu_s", r.cpu_s)
      .add("frames_per_receiver_cpu_s", per_cpu_s)
      .add("receiver_cpu", receiver_cpu)
      .add("blaster_cpu", blaster_cpu)
      .add("blaster_cpu_us_per_frame", blaster_us_per_frame)
      .add_object("latency", latency_json(r.latency));
  add_cpu(result, cpu, 0);
  add_counters(result, r.counters);
  return result;
}

}  // namespace whisper_bench
