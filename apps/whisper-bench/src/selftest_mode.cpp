// selftest: the bench's own ceiling. A built-in blaster thread plays a server that
// only writes pre-framed chat messages; one bench thread receives them through the
// same loop, frame decoder, classifier and histogram the fanout mode uses. Frames
// received per second here bound any figure the bench can report.
//
// The measured time is two windows of --duration each. In the first the blaster makes
// one send() per write, as a server with one syscall per recipient does; in the second
// it submits each pass over its clients as one io_uring batch. Its CPU per frame in
// each is a floor of this machine for that way of sending, and the receiver's figures
// in each say whether the bench keeps up with either kind of server.
#include <algorithm>
#include <string>

#include "blaster.hpp"
#include "clock.hpp"
#include "cpu_usage.hpp"
#include "modes.hpp"
#include "room_team.hpp"
#include "sockets.hpp"

namespace whisper_bench {
namespace {

// What the blaster and the receiver had done at one instant.
struct sample {
  std::uint64_t frames_received = 0;
  double receiver_cpu_s = 0;
  std::uint64_t frames_written = 0;
  std::uint64_t blaster_ns = 0;
};

sample take_sample(room_team& team, const blaster& blaster) {
  sample s;
  s.frames_received = team.control().sum(&thread_progress::frames);
  s.receiver_cpu_s = team.threads_cpu_s();
  s.frames_written = blaster.frames_written();
  s.blaster_ns = blaster.cpu_ns();
  return s;
}

// One window's figures, printed and returned as JSON.
json_object report_window(const char* name, const sample& from, const sample& to,
                          double duration_s) {
  const auto received = static_cast<double>(to.frames_received - from.frames_received);
  const double cpu_s = to.receiver_cpu_s - from.receiver_cpu_s;
  const auto written = static_cast<double>(to.frames_written - from.frames_written);
  const double per_s = received / duration_s;
  const double per_cpu_s = cpu_s > 0 ? received / cpu_s : 0;
  const double blaster_us =
      written > 0 ? static_cast<double>(to.blaster_ns - from.blaster_ns) / 1000.0 / written : 0;
  print_line(std::string("blaster ") + name + ": " +
             std::to_string(static_cast<std::uint64_t>(written)) + " frames written, " +
             std::to_string(blaster_us) + " us of CPU per frame; bench received " +
             std::to_string(static_cast<std::uint64_t>(per_s)) + " frames/s, " +
             std::to_string(static_cast<std::uint64_t>(per_cpu_s)) + " frames per CPU second");
  json_object window;
  window.add("frames_per_s", per_s)
      .add("receiver_cpu_s", cpu_s)
      .add("frames_per_receiver_cpu_s", per_cpu_s)
      .add("blaster_frames", static_cast<std::uint64_t>(written))
      .add("blaster_cpu_us_per_frame", blaster_us);
  return window;
}

}  // namespace

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
  team.begin_sending(o.warmup_s, 2 * o.duration_s);
  cpu_window cpu;
  sleep_until(team.measure_start_ns(), context.deadline_ns);
  cpu.begin();
  const sample start = take_sample(team, blaster);
  sleep_until(team.measure_start_ns() + static_cast<std::uint64_t>(o.duration_s * 1e9),
              context.deadline_ns);
  const sample middle = take_sample(team, blaster);
  blaster.set_batched(true);
  sleep_until(team.measure_end_ns(), context.deadline_ns);
  const sample end = take_sample(team, blaster);
  cpu.end();
  team_result r = team.finish();
  blaster.stop();
  const bool batched = blaster.batched_available();

  print_line("bench receiver on cpu " + std::to_string(receiver_cpu) + ", blaster on cpu " +
             std::to_string(blaster_cpu) + ", " + std::to_string(o.blast_frames) +
             " frames per write (0 = 64 KiB batches), " + std::to_string(o.duration_s) +
             " s per window");
  json_object per_send = report_window("one send() per write", start, middle, o.duration_s);
  json_object per_batch = report_window(
      batched ? "one io_uring submission per pass" : "one send() per write (io_uring unavailable)",
      middle, end, o.duration_s);
  // The ceiling is the better window: with the cheaper sender the receiver is the
  // side more likely to be saturated.
  const double window_a = static_cast<double>(middle.frames_received - start.frames_received);
  const double window_b = static_cast<double>(end.frames_received - middle.frames_received);
  const double frames_per_s = std::max(window_a, window_b) / o.duration_s;
  const double cpu_s = end.receiver_cpu_s - start.receiver_cpu_s;
  const double per_cpu_s = cpu_s > 0 ? (window_a + window_b) / cpu_s : 0;
  const auto us_per_frame = [](const sample& from, const sample& to) {
    const std::uint64_t written = to.frames_written - from.frames_written;
    return written > 0 ? static_cast<double>(to.blaster_ns - from.blaster_ns) / 1000.0 /
                             static_cast<double>(written)
                       : 0.0;
  };
  print_line("bench receive ceiling: " + std::to_string(static_cast<std::uint64_t>(frames_per_s)) +
             " frames/s on one thread; " + std::to_string(static_cast<std::uint64_t>(per_cpu_s)) +
             " frames per receiver CPU second over both windows");
  print_line(latency_line(r.latency));
  // Bench and blaster together: about 100% each means both cores were busy.
  print_line(cpu_line(cpu, 0) + " (bench + blaster)");
  result.add("ok", end.frames_received > start.frames_received && r.counters.protocol_errors == 0)
      .add("connections", o.connections)
      .add("blast_frames", o.blast_frames)
      .add("duration_s", o.duration_s)
      .add("frames_per_s", frames_per_s)
      .add("receiver_cpu_s", cpu_s)
      .add("frames_per_receiver_cpu_s", per_cpu_s)
      .add("receiver_cpu", receiver_cpu)
      .add("blaster_cpu", blaster_cpu)
      // The two floors: CPU per frame of one send() per write, and of batched submission.
      .add("blaster_cpu_us_per_frame", us_per_frame(start, middle))
      .add("blaster_batched", batched)
      .add("blaster_batched_cpu_us_per_frame", us_per_frame(middle, end))
      .add_object("send_per_write", per_send)
      .add_object("batched_submission", per_batch)
      .add_object("latency", latency_json(r.latency));
  add_cpu(result, cpu, 0);
  add_counters(result, r.counters);
  return result;
}

}  // namespace whisper_bench
