// fanout: C connections over R rooms, S senders, closed loop (--window) or open loop
// (--rate); reports deliveries/s, expected vs received deliveries and latency.
#include <chrono>
#include <optional>
#include <thread>

#include "clock.hpp"
#include "cpu_usage.hpp"
#include "modes.hpp"
#include "room_team.hpp"
#include "server_histogram.hpp"

namespace whisper_bench {

room_plan make_room_plan(const options& o, const std::vector<std::string>& cookies, int senders,
                         double rate) {
  room_plan plan;
  plan.options = &o;
  plan.cookies = &cookies;
  plan.connections = o.connections;
  plan.senders = senders;
  plan.rate = rate;
  plan.max_pending = std::max(1, o.concurrency / o.threads);
  plan.members.assign(o.room_ids.size(), 0);
  for (int i = 0; i < o.connections; ++i)
    ++plan.members[static_cast<std::size_t>(i) % o.room_ids.size()];
  return plan;
}

void sleep_until(std::uint64_t when_ns, std::uint64_t deadline_ns) {
  while (now_ns() < when_ns && now_ns() < deadline_ns) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
}

std::string cpu_line(const cpu_window& cpu, std::uint64_t units) {
  std::string line = "cpu during the window: bench " + std::to_string(cpu.own_percent()) + "%";
  if (units > 0) {
    line += " (" + std::to_string(cpu.own_s * 1e6 / static_cast<double>(units)) + " us each)";
  }
  if (cpu.server_s >= 0) {
    line += ", server " + std::to_string(cpu.server_percent()) + "%";
    if (units > 0) {
      line += " (" + std::to_string(cpu.server_s * 1e6 / static_cast<double>(units)) +
              " us of server CPU each)";
    }
  }
  return line;
}

void add_cpu(json_object& json, const cpu_window& cpu, std::uint64_t units) {
  json.add("bench_cpu_percent", cpu.own_percent());
  // The bench's own cost per unit, beside the server's: on a core each, whichever is
  // larger sets the pace, so this says when the bench would be the bottleneck.
  json.add("bench_cpu_us_per_unit", units > 0 ? cpu.own_s * 1e6 / static_cast<double>(units) : 0.0);
  if (cpu.server_s >= 0) {
    json.add("server_cpu_percent", cpu.server_percent());
    json.add("server_cpu_us_per_unit",
             units > 0 ? cpu.server_s * 1e6 / static_cast<double>(units) : 0.0);
  }
}

// Connects and joins everyone; on failure fills `error` with the reason.
bool set_up_rooms(room_team& team, const run_context& context, json_object& error) {
  const options& o = *context.options;
  const std::uint64_t started = now_ns();
  team.start();
  const bool settled = team.wait_all_settled(context.deadline_ns);
  const double seconds = static_cast<double>(now_ns() - started) / 1e9;
  print_line("joined " + std::to_string(team.joined()) + "/" + std::to_string(o.connections) +
             " connections in " + std::to_string(seconds) + " s");
  if (settled && team.failed() == 0) return true;
  team_result partial = team.finish();
  error.add("ok", false)
      .add("error", settled ? "some connections failed to connect/upgrade/join: " +
                                  failure_summary(partial.counters)
                            : std::string("hard timeout while connecting"));
  add_counters(error, partial.counters);
  return false;
}

namespace {

// The server's write-turn histogram, summed over every server of the run (they expose
// the same buckets); nullopt when one of them has none.
std::optional<histogram_counts> scrape_write_turns(const run_context& context) {
  std::optional<histogram_counts> total;
  for (const server_address& server : context.target.servers) {
    auto counts =
        scrape(context.options->host, server.port, "whisper_transport_write_turn_seconds");
    if (!counts) return std::nullopt;
    if (!total) {
      total = std::move(counts);
      continue;
    }
    if (total->upper_bounds != counts->upper_bounds) return std::nullopt;
    for (std::size_t i = 0; i < total->cumulative.size(); ++i) {
      total->cumulative[i] += counts->cumulative[i];
    }
  }
  return total;
}

}  // namespace

json_object run_fanout(const run_context& context) {
  const options& o = *context.options;
  room_team team(context.target, make_room_plan(o, context.cookies, o.senders, o.rate), o.threads);
  json_object result;
  result.add("mode", "fanout");
  if (!set_up_rooms(team, context, result)) return result;
  // Let the flood of "entered" notices finish so it does not count as load.
  team.wait_quiet(300, std::min(context.deadline_ns, now_ns() + 30 * ns_per_sec));

  team.begin_sending(o.warmup_s, o.duration_s);
  print_line("sending: warmup " + std::to_string(o.warmup_s) + " s, measuring " +
             std::to_string(o.duration_s) + " s");
  cpu_window cpu;
  cpu.server_pids = o.server_pids;
  sleep_until(team.measure_start_ns(), context.deadline_ns);
  cpu.begin();
  const auto turns_before = scrape_write_turns(context);
  sleep_until(team.measure_end_ns(), context.deadline_ns);
  cpu.end();
  const auto turns_after = scrape_write_turns(context);
  team.stop_sending();
  team.wait_drained(
      std::min(context.deadline_ns, now_ns() + static_cast<std::uint64_t>(o.drain_s * 1e9)));
  team_result r = team.finish();

  const room_totals& t = r.totals;
  const double per_s = static_cast<double>(t.received_measured) / o.duration_s;
  const auto lost = static_cast<std::int64_t>(t.expected_measured) -
                    static_cast<std::int64_t>(t.received_measured);
  print_line("deliveries/s " + std::to_string(static_cast<std::uint64_t>(per_s)) + "  sent/s " +
             std::to_string(static_cast<std::uint64_t>(t.sent_measured / o.duration_s)) +
             "  expected " + std::to_string(t.expected_measured) + "  received " +
             std::to_string(t.received_measured) + "  lost " + std::to_string(lost));
  print_line(latency_line(r.latency));
  print_line(cpu_line(cpu, t.received_measured));
  std::optional<double> turn_p99;
  if (turns_before && turns_after) turn_p99 = quantile_bound(*turns_before, *turns_after, 0.99);
  if (turn_p99) {
    print_line("server write turn (its fan-out: first frame queued to last write) p99 <= " +
               std::to_string(*turn_p99 * 1000) + " ms");
  }
  const bool ok = lost == 0 && t.dropped_after_join == 0 && r.counters.error_codes.empty();
  if (!ok) print_line("problems: " + failure_summary(r.counters));
  result.add("ok", ok)
      .add("connections", o.connections)
      .add("rooms", static_cast<std::uint64_t>(o.room_ids.size()))
      .add("servers", static_cast<std::uint64_t>(o.ports.size()))
      .add("senders", o.senders)
      .add("window", o.rate > 0 ? 0 : o.window)
      .add("rate_per_sender", o.rate)
      .add("threads", o.threads)
      .add("duration_s", o.duration_s)
      .add("deliveries_per_s", per_s)
      .add("sends_per_s", static_cast<double>(t.sent_measured) / o.duration_s)
      .add("expected", t.expected_measured)
      .add("received", t.received_measured)
      .add("lost", lost)
      .add("late_sends", t.late_sends)
      .add("dropped_after_join", t.dropped_after_join)
      .add_object("latency", latency_json(r.latency));
  // Bucket bound, not an interpolation: "p99 at most this".
  if (turn_p99 && *turn_p99 < 1e9) result.add("server_write_turn_p99_us", *turn_p99 * 1e6);
  add_cpu(result, cpu, t.received_measured);
  add_counters(result, r.counters);
  return result;
}

}  // namespace whisper_bench
