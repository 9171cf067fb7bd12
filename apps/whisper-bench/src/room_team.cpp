#include "room_team.hpp"

#include <pthread.h>
#include <sys/prctl.h>
#include <time.h>

#include <chrono>

#include "blaster.hpp"
#include "clock.hpp"
#include "cpu_usage.hpp"

namespace whisper_bench {
namespace {

void sleep_ms(int ms) {
  std::this_thread::sleep_for(std::chrono::milliseconds(ms));
}

}  // namespace

room_team::room_team(const target& target, room_plan plan, int threads)
    : target_(target), plan_(std::move(plan)), thread_count_(threads), results_(threads) {
  for (int i = 0; i < threads; ++i) control_.progress.emplace_back();
}

room_team::~room_team() {
  if (!threads_.empty()) finish();
}

void room_team::start() {
  for (int i = 0; i < thread_count_; ++i) threads_.emplace_back([this, i] { thread_main(i); });
}

void room_team::thread_main(int index) {
  if (plan_.pin_cpu >= 0) pin_current_thread(plan_.pin_cpu);
  room_workload workload(plan_, control_, control_.progress[static_cast<std::size_t>(index)], index,
                         thread_count_);
  client_loop loop(target_, workload, 0x5EED0000u + static_cast<std::uint64_t>(index),
                   plan_.options->io);
  // The longest wait only bounds how fast a phase change is noticed: events and the
  // open-loop schedule wake the loop anyway. A 1 us timer slack keeps that schedule.
  if (plan_.rate > 0) prctl(PR_SET_TIMERSLACK, 1000UL, 0, 0, 0);
  const std::uint64_t max_wait_ns = plan_.options->busy_poll ? 0 : 5000000;
  while (control_.phase.load(std::memory_order_relaxed) != phase::exit) {
    loop.run_once(max_wait_ns);
  }
  workload.close_all(loop);
  team_result& result = results_[static_cast<std::size_t>(index)];
  result.latency = workload.latency();
  result.totals = workload.totals();
  result.counters = loop.counters();
  result.cpu_s = thread_cpu_seconds();
}

double room_team::threads_cpu_s() {
  double total = 0;
  for (auto& thread : threads_) {
    clockid_t clock{};
    timespec used{};
    if (pthread_getcpuclockid(thread.native_handle(), &clock) != 0) continue;
    if (clock_gettime(clock, &used) != 0) continue;
    total += static_cast<double>(used.tv_sec) + static_cast<double>(used.tv_nsec) / 1e9;
  }
  return total;
}

bool room_team::wait_all_settled(std::uint64_t deadline_ns) {
  const auto total = static_cast<std::uint64_t>(plan_.connections);
  while (joined() + failed() < total) {
    if (now_ns() > deadline_ns) return false;
    sleep_ms(20);
  }
  return true;
}

void room_team::wait_quiet(int quiet_ms, std::uint64_t deadline_ns) {
  std::uint64_t last = control_.sum(&thread_progress::frames);
  std::uint64_t quiet_since = now_ns();
  while (now_ns() < deadline_ns) {
    sleep_ms(20);
    std::uint64_t frames = control_.sum(&thread_progress::frames);
    if (frames != last) {
      last = frames;
      quiet_since = now_ns();
    } else if (now_ns() - quiet_since >= static_cast<std::uint64_t>(quiet_ms) * 1000000ULL) {
      return;
    }
  }
}

void room_team::begin_sending(double warmup_s, double duration_s) {
  const std::uint64_t start = now_ns() + static_cast<std::uint64_t>(warmup_s * 1e9);
  control_.measure_start_ns.store(start);
  control_.measure_end_ns.store(start + static_cast<std::uint64_t>(duration_s * 1e9));
  control_.phase.store(phase::sending);
}

void room_team::wait_drained(std::uint64_t deadline_ns) {
  while (now_ns() < deadline_ns) {
    if (control_.sum(&thread_progress::received_measured) >=
        control_.sum(&thread_progress::expected_measured)) {
      return;
    }
    sleep_ms(10);
  }
}

team_result room_team::finish() {
  control_.phase.store(phase::exit);
  for (auto& thread : threads_) thread.join();
  threads_.clear();
  team_result merged;
  for (const auto& part : results_) {
    merged.latency.merge(part.latency);
    merged.totals.sent += part.totals.sent;
    merged.totals.sent_measured += part.totals.sent_measured;
    merged.totals.expected_measured += part.totals.expected_measured;
    merged.totals.received += part.totals.received;
    merged.totals.received_measured += part.totals.received_measured;
    merged.totals.arrived_measured += part.totals.arrived_measured;
    merged.totals.late_sends += part.totals.late_sends;
    merged.totals.dropped_after_join += part.totals.dropped_after_join;
    merge_counters(merged.counters, part.counters);
    merged.cpu_s += part.cpu_s;
  }
  return merged;
}

void merge_counters(loop_counters& into, const loop_counters& from) {
  into.frames += from.frames;
  into.bytes += from.bytes;
  into.connect_failures += from.connect_failures;
  into.upgrade_failures += from.upgrade_failures;
  into.join_failures += from.join_failures;
  into.protocol_errors += from.protocol_errors;
  into.remote_closes += from.remote_closes;
  for (const auto& [code, count] : from.error_codes) into.error_codes[code] += count;
  for (const auto& [status, count] : from.upgrade_statuses) into.upgrade_statuses[status] += count;
}

void add_counters(json_object& json, const loop_counters& c) {
  json_object errors;
  for (const auto& [code, count] : c.error_codes) errors.add(code, count);
  json.add("frames_received", c.frames)
      .add("bytes_received", c.bytes)
      .add("connect_failures", c.connect_failures)
      .add("upgrade_failures", c.upgrade_failures)
      .add("join_failures", c.join_failures)
      .add("protocol_errors", c.protocol_errors)
      .add("remote_closes", c.remote_closes)
      .add_object("server_errors", errors);
}

std::string failure_summary(const loop_counters& c) {
  std::string text = "connect failures " + std::to_string(c.connect_failures) +
                     ", upgrade failures " + std::to_string(c.upgrade_failures);
  for (const auto& [status, count] : c.upgrade_statuses) {
    text += " (HTTP " + std::to_string(status) + " x" + std::to_string(count) + ")";
  }
  text += ", join failures " + std::to_string(c.join_failures) + ", remote closes " +
          std::to_string(c.remote_closes);
  for (const auto& [code, count] : c.error_codes) {
    text += ", " + code + " x" + std::to_string(count);
  }
  return text;
}

}  // namespace whisper_bench
