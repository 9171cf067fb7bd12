#include "options.hpp"

#include <arpa/inet.h>

#include <CLI/CLI.hpp>
#include <map>
#include <sstream>

namespace whisper_bench {
namespace {

bool parse_int(const std::string& text, std::int64_t& value) {
  if (text.empty()) return false;
  std::size_t used = 0;
  try {
    value = std::stoll(text, &used);
  } catch (const std::exception&) {
    return false;
  }
  return used == text.size();
}

// "a,b,c" of integers within [low, high]; false on anything else or an empty list.
bool parse_bounded_list(const std::string& text, std::int64_t low, std::int64_t high,
                        std::vector<int>& out) {
  out.clear();
  if (text.empty() || text.back() == ',') return false;  // getline drops a last empty part
  std::stringstream parts(text);
  std::string part;
  while (std::getline(parts, part, ',')) {
    std::int64_t value = 0;
    if (!parse_int(part, value) || value < low || value > high) return false;
    out.push_back(static_cast<int>(value));
  }
  return !out.empty();
}

// Cross-field checks CLI11 cannot express; returns the first problem found.
std::string check(const options& o) {
  if (!is_loopback_ipv4(o.host)) return "--host must be a 127.x.x.x address (loopback only)";
  if (o.mode == mode::selftest) return {};
  if (o.cookies_path.empty()) return "--cookies is required for this mode";
  if (o.room_ids.empty()) return "--room-ids is required for this mode";
  if (o.mode == mode::fanout) {
    if (o.senders > o.connections) return "--senders cannot exceed --connections";
    if (o.window < 1) return "--window must be at least 1";
  }
  return {};
}

}  // namespace

bool parse_id_list(const std::string& text, std::vector<std::int64_t>& out) {
  out.clear();
  std::stringstream parts(text);
  std::string part;
  while (std::getline(parts, part, ',')) {
    auto dash = part.find('-', 1);
    std::int64_t first = 0;
    std::int64_t last = 0;
    if (dash == std::string::npos) {
      if (!parse_int(part, first)) return false;
      last = first;
    } else if (!parse_int(part.substr(0, dash), first) || !parse_int(part.substr(dash + 1), last) ||
               last < first || last - first > 1000000) {
      return false;
    }
    for (std::int64_t id = first; id <= last; ++id) out.push_back(id);
  }
  return !out.empty();
}

bool parse_port_list(const std::string& text, std::vector<int>& out) {
  return parse_bounded_list(text, 1, 65535, out);
}

bool is_loopback_ipv4(const std::string& host) {
  in_addr address{};
  if (inet_pton(AF_INET, host.c_str(), &address) != 1) return false;
  return (ntohl(address.s_addr) >> 24) == 127;
}

parse_result parse_options(int argc, const char* const* argv) {
  parse_result result;
  options& o = result.options;
  CLI::App app{"whisper-bench: load generator for the whisper chat protocol (loopback only)"};
  std::string rooms;
  std::string ports;
  std::string pids;
  const std::map<std::string, mode> modes{{"fanout", mode::fanout},
                                          {"idle", mode::idle},
                                          {"connect", mode::connect},
                                          {"selftest", mode::selftest}};
  app.add_option("mode", o.mode, "fanout | idle | connect | selftest")
      ->required()
      ->transform(CLI::CheckedTransformer(modes, CLI::ignore_case));
  app.add_option("--host", o.host, "server address (127.x.x.x)");
  app.add_option("--port", ports,
                 "server port, or a comma list (e.g. 18080,18081) of servers sharing rooms "
                 "through Redis: connections and senders are spread so every room spans them "
                 "all");
  app.add_option("--path", o.path, "WebSocket path");
  app.add_option("--cookies", o.cookies_path, "file of `sessionid=<id>` lines");
  app.add_option("--room-ids", rooms, "rooms to join: comma list and/or ranges a-b");
  app.add_option("--connections,-c", o.connections, "connections")->check(CLI::Range(1, 1000000));
  app.add_option("--senders,-s", o.senders, "fanout: sending connections")
      ->check(CLI::Range(0, 1000000));
  app.add_option("--window,-w", o.window, "fanout closed loop: messages in flight per sender");
  app.add_option("--rate", o.rate, "fanout open loop: messages/s per sender")
      ->check(CLI::Range(0.0, 1e7));
  app.add_option("--message-size", o.message_size, "pad message text to N bytes")
      ->check(CLI::Range(0, 60000));
  app.add_option("--warmup", o.warmup_s, "seconds before measuring")
      ->check(CLI::Range(0.0, 3600.0));
  app.add_option("--duration,-d", o.duration_s, "measured seconds")->check(CLI::Range(0.1, 3600.0));
  app.add_option("--drain", o.drain_s, "seconds to wait for late deliveries")
      ->check(CLI::Range(0.0, 600.0));
  app.add_option("--timeout", o.timeout_s, "hard limit for the whole run, seconds")
      ->check(CLI::Range(0.0, 7200.0));
  app.add_option("--threads,-t", o.threads, "threads, each with its own epoll")
      ->check(CLI::Range(1, 64));
  app.add_option("--concurrency", o.concurrency, "connect: cycles in flight")
      ->check(CLI::Range(1, 100000));
  app.add_flag("--busy-poll", o.busy_poll,
               "never sleep in epoll: saves the wake-up cost per event at window 1, but "
               "burns the whole core (use on a dedicated core only)");
  app.add_option("--blast-frames", o.blast_frames,
                 "selftest: frames per write per connection (0: 64 KiB batches; 1 is like W1 "
                 "window 1, one frame per read)")
      ->check(CLI::Range(0, 100000));
  const std::map<std::string, io_mode> io_modes{{"epoll", io_mode::epoll},
                                                {"uring", io_mode::uring}};
  app.add_option("--io", o.io,
                 "uring: each loop turn's reads in one io_uring submission and its writes in "
                 "another (default; falls back to epoll if io_uring is unavailable); epoll: one "
                 "read()/write() per connection")
      ->transform(CLI::CheckedTransformer(io_modes, CLI::ignore_case));
  app.add_option("--server-pid", pids,
                 "server process(es), comma list: their CPU time (summed) is reported; idle: "
                 "their VmRSS (summed)");
  app.add_option("--sources", o.sources, "source addresses 127.0.0.1..N (0: auto)")
      ->check(CLI::Range(0, 250));
  app.add_option("--json-out", o.json_out, "also write the result JSON to this file");
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp&) {
    result.help = true;
    result.message = app.help();
    return result;
  } catch (const CLI::ParseError& e) {
    result.message = e.what();
    return result;
  }
  if (!ports.empty() && !parse_port_list(ports, o.ports)) {
    result.message = "--port: expected a port or a list like 18080,18081 (1-65535)";
    return result;
  }
  if (!pids.empty() && !parse_bounded_list(pids, 1, 1 << 30, o.server_pids)) {
    result.message = "--server-pid: expected a process id or a comma list of them";
    return result;
  }
  if (!rooms.empty() && !parse_id_list(rooms, o.room_ids)) {
    result.message = "--room-ids: expected a list like 1,2,5-8";
    return result;
  }
  result.message = check(o);
  result.ok = result.message.empty();
  return result;
}

}  // namespace whisper_bench
