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

using namespace whisper_bench;

namespace {

int fail(const std::string& mode, const std::string& message) {
  JsonObject error;
  error.add("mode", mode).add("ok", false).add("error", message);
  std::fprintf(stderr, "whisper-bench: %s\n", message.c_str());
  print_result(error, {});
  return 2;
}

const char* mode_name(Mode mode) {
  switch (mode) {
    case Mode::kFanout:
      return "fanout";
    case Mode::kIdle:
      return "idle";
    case Mode::kConnect:
      return "connect";
    case Mode::kSelftest:
      return "selftest";
  }
  return "?";
}

// Sockets the run holds at once (the selftest holds both ends), plus a margin for
// epoll descriptors, stdio and files.
std::uint64_t descriptors_needed(const Options& o) {
  std::uint64_t sockets = o.mode == Mode::kConnect ? static_cast<std::uint64_t>(o.concurrency)
                                                   : static_cast<std::uint64_t>(o.connections);
  if (o.mode == Mode::kSelftest) sockets *= 2;
  return sockets + 64 + static_cast<std::uint64_t>(o.threads);
}

}  // namespace

int main(int argc, char** argv) {
  std::signal(SIGPIPE, SIG_IGN);  // a server hanging up must be an error value, not a signal
  ParseResult parsed = parse_options(argc, argv);
  if (parsed.help) {
    std::printf("%s", parsed.message.c_str());
    return 0;
  }
  if (!parsed.ok) return fail("?", parsed.message);
  const Options& o = parsed.options;
  const std::string mode = mode_name(o.mode);

  const std::uint64_t limit = raise_open_file_limit();
  if (descriptors_needed(o) > limit) {
    return fail(mode, "needs " + std::to_string(descriptors_needed(o)) +
                          " file descriptors but the limit is " + std::to_string(limit) +
                          "; use fewer connections or run several bench processes");
  }

  RunContext context;
  context.options = &o;
  if (o.mode != Mode::kSelftest) {
    CookieList cookies = load_cookie_file(o.cookies_path);
    if (!cookies.error.empty()) return fail(mode, cookies.error);
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
  std::thread([mode, timeout_s] {
    std::this_thread::sleep_for(std::chrono::duration<double>(timeout_s + 5.0));
    fail(mode, "hard timeout of " + std::to_string(timeout_s) + " s exceeded");
    std::fflush(stdout);
    std::_Exit(3);
  }).detach();

  JsonObject result;
  switch (o.mode) {
    case Mode::kFanout:
      result = run_fanout(context);
      break;
    case Mode::kIdle:
      result = run_idle(context);
      break;
    case Mode::kConnect:
      result = run_connect(context);
      break;
    case Mode::kSelftest:
      result = run_selftest(context);
      break;
  }
  print_result(result, o.json_out);
  return 0;
}
