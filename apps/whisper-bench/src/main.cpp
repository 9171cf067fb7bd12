// whisper-bench: the project's load generator. Parses the command line, checks that
// the run fits the machine (loopback only, enough file descriptors), arms a hard
// timeout, runs the mode and prints its JSON object as the last line.
#include <csignal>
#include <cstdio>
#include <thread>

#include "clock.hpp"
#include "cookie_file.hpp"
#include "modes.hpp"
#include "sockets.hpp"
#include "uring_batch.hpp"

using namespace whisper_bench;

namespace {

int fail(const std::string& mode, const std::string& message) {
  json_object error;
  error.add("mode", mode).add("ok", false).add("error", message);
  std::fprintf(stderr, "whisper-bench: %s\n", message.c_str());
  print_result(error, {});
  return 2;
}

const char* mode_name(mode m) {
  switch (m) {
    case mode::fanout:
      return "fanout";
    case mode::idle:
      return "idle";
    case mode::connect:
      return "connect";
    case mode::selftest:
      return "selftest";
  }
  return "?";
}

// Sockets the run holds at once (the selftest holds both ends), plus a margin for
// epoll descriptors, stdio and files.
std::uint64_t descriptors_needed(const options& o) {
  std::uint64_t sockets = o.mode == mode::connect ? static_cast<std::uint64_t>(o.concurrency)
                                                  : static_cast<std::uint64_t>(o.connections);
  if (o.mode == mode::selftest) sockets *= 2;
  return sockets + 64 + static_cast<std::uint64_t>(o.threads);
}

}  // namespace

int main(int argc, char** argv) {
  std::signal(SIGPIPE, SIG_IGN);  // a server hanging up must be an error value, not a signal
  parse_result parsed = parse_options(argc, argv);
  if (parsed.help) {
    std::printf("%s", parsed.message.c_str());
    return 0;
  }
  if (!parsed.ok) return fail("?", parsed.message);
  // io_uring can be switched off (seccomp, a sysctl): then the bench says so and uses epoll.
  if (parsed.options.io == io_mode::uring) {
    const io_choice io = choose_io(io_mode::uring, probe_uring());
    if (!io.message.empty()) std::fprintf(stderr, "whisper-bench: %s\n", io.message.c_str());
    parsed.options.io = io.mode;
  }
  const options& o = parsed.options;
  const std::string mode_label = mode_name(o.mode);

  const std::uint64_t limit = raise_open_file_limit();
  if (descriptors_needed(o) > limit) {
    return fail(mode_label, "needs " + std::to_string(descriptors_needed(o)) +
                                " file descriptors but the limit is " + std::to_string(limit) +
                                "; use fewer connections or run several bench processes");
  }

  run_context context;
  context.options = &o;
  if (o.mode != mode::selftest) {
    cookie_list cookies = load_cookie_file(o.cookies_path);
    if (!cookies.error.empty()) return fail(mode_label, cookies.error);
    context.cookies = std::move(cookies.cookies);
  }
  for (int port : o.ports) context.target.servers.push_back({make_ipv4(o.host, port), port});
  context.target.upgrade_host = o.host;
  context.target.path = o.path;
  // Each source address offers ~28k ephemeral ports towards one server port.
  const auto per_port = o.connections / static_cast<int>(o.ports.size());
  context.target.sources = o.sources > 0 ? o.sources : 1 + per_port / 25000;

  const double timeout_s =
      o.timeout_s > 0 ? o.timeout_s : o.warmup_s + o.duration_s + o.drain_s + 120.0;
  context.deadline_ns = now_ns() + static_cast<std::uint64_t>(timeout_s * 1e9);
  // The watchdog: whatever happens, the process ends soon after the deadline.
  std::thread([mode_label, timeout_s] {
    std::this_thread::sleep_for(std::chrono::duration<double>(timeout_s + 5.0));
    fail(mode_label, "hard timeout of " + std::to_string(timeout_s) + " s exceeded");
    std::fflush(stdout);
    std::_Exit(3);
  }).detach();

  json_object result;
  switch (o.mode) {
    case mode::fanout:
      result = run_fanout(context);
      break;
    case mode::idle:
      result = run_idle(context);
      break;
    case mode::connect:
      result = run_connect(context);
      break;
    case mode::selftest:
      result = run_selftest(context);
      break;
  }
  result.add("io", io_mode_name(o.io));
  print_result(result, o.json_out);
  return 0;
}
