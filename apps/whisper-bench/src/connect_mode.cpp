// connect: how many full connect + upgrade (cookie) + join + close cycles per second
// the server completes with --concurrency cycles in flight, and how long one takes.
#include <chrono>
#include <thread>

#include "clock.hpp"
#include "connect_workload.hpp"
#include "cpu_usage.hpp"
#include "modes.hpp"
#include "room_team.hpp"

namespace whisper_bench {
namespace {

struct connect_part {
  histogram cycle_times;
  connect_totals totals;
  loop_counters counters;
};

void connect_thread(const run_context& context, run_control& control, int index, int threads,
                    connect_part& out) {
  const options& o = *context.options;
  // Spread the concurrency over the threads, the remainder to the first ones.
  const int slots = o.concurrency / threads + (index < o.concurrency % threads ? 1 : 0);
  connect_workload workload(context.cookies, o.room_ids.front(), slots, index, threads, control,
                            control.progress[static_cast<std::size_t>(index)]);
  client_loop loop(context.target, workload, 0xC0DE0000u + static_cast<std::uint64_t>(index), o.io);
  const std::uint64_t max_wait_ns = o.busy_poll ? 0 : 5000000;
  while (control.phase.load(std::memory_order_relaxed) != phase::exit) loop.run_once(max_wait_ns);
  workload.close_all(loop);
  out.cycle_times = workload.cycle_times();
  out.totals = workload.totals();
  out.counters = loop.counters();
}

}  // namespace

json_object run_connect(const run_context& context) {
  const options& o = *context.options;
  run_control control;
  for (int i = 0; i < o.threads; ++i) control.progress.emplace_back();
  const std::uint64_t start = now_ns() + static_cast<std::uint64_t>(o.warmup_s * 1e9);
  control.measure_start_ns.store(start);
  control.measure_end_ns.store(start + static_cast<std::uint64_t>(o.duration_s * 1e9));
  control.phase.store(phase::sending);

  std::vector<connect_part> parts(static_cast<std::size_t>(o.threads));
  std::vector<std::thread> threads;
  threads.reserve(static_cast<std::size_t>(o.threads));
  for (int i = 0; i < o.threads; ++i) {
    threads.emplace_back(connect_thread, std::cref(context), std::ref(control), i, o.threads,
                         std::ref(parts[static_cast<std::size_t>(i)]));
  }
  print_line("connect cycles: " + std::to_string(o.concurrency) + " in flight, warmup " +
             std::to_string(o.warmup_s) + " s, measuring " + std::to_string(o.duration_s) + " s");
  cpu_window cpu;
  cpu.server_pids = o.server_pids;
  sleep_until(start, context.deadline_ns);
  cpu.begin();
  sleep_until(control.measure_end_ns.load(), context.deadline_ns);
  cpu.end();
  control.phase.store(phase::exit);
  for (auto& thread : threads) thread.join();

  histogram cycles;
  connect_totals totals;
  loop_counters counters;
  for (const auto& part : parts) {
    cycles.merge(part.cycle_times);
    totals.started += part.totals.started;
    totals.completed += part.totals.completed;
    totals.completed_measured += part.totals.completed_measured;
    totals.failed += part.totals.failed;
    totals.timed_out += part.totals.timed_out;
    merge_counters(counters, part.counters);
  }
  const double per_s = static_cast<double>(totals.completed_measured) / o.duration_s;
  print_line("cycles/s " + std::to_string(static_cast<std::uint64_t>(per_s)) + "  completed " +
             std::to_string(totals.completed) + "  failed " + std::to_string(totals.failed) +
             "  timed out " + std::to_string(totals.timed_out));
  print_line("cycle " + latency_line(cycles));
  print_line(cpu_line(cpu, totals.completed_measured));
  const bool ok = totals.failed == 0 && totals.timed_out == 0 && totals.completed_measured > 0;
  if (!ok) print_line("problems: " + failure_summary(counters));
  json_object result;
  result.add("mode", "connect")
      .add("ok", ok)
      .add("concurrency", o.concurrency)
      .add("threads", o.threads)
      .add("duration_s", o.duration_s)
      .add("cycles_per_s", per_s)
      .add("completed_measured", totals.completed_measured)
      .add("completed", totals.completed)
      .add("failed", totals.failed)
      .add("timed_out", totals.timed_out)
      .add_object("cycle", latency_json(cycles));
  add_cpu(result, cpu, totals.completed_measured);
  add_counters(result, counters);
  return result;
}

}  // namespace whisper_bench
