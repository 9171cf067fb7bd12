// The bench's command line: what to run and how hard.
//
// Thread safety: parse_options is pure; the options value is read-only once parsed
// and shared by every bench thread.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "io_mode.hpp"

namespace whisper_bench {

enum class mode { fanout, idle, connect, selftest };

struct options {
  whisper_bench::mode mode = whisper_bench::mode::fanout;
  std::string host = "127.0.0.1";
  // One port, or several servers sharing rooms through Redis: connection i goes to
  // ports[server_for_connection(i, rooms, ports)] (server_spread.hpp).
  std::vector<int> ports{8000};
  std::string path = "/chat/stream/";
  std::string cookies_path;
  std::vector<std::int64_t> room_ids;
  int connections = 100;
  int senders = 1;
  int window = 1;        // closed loop: messages in flight per sender
  double rate = 0;       // open loop: messages/s per sender (0: closed loop)
  int message_size = 0;  // pad the message text to this many bytes
  double warmup_s = 2;
  double duration_s = 5;
  double drain_s = 2;
  double timeout_s = 0;  // hard limit for the whole run (0: derived from the others)
  int threads = 1;
  int concurrency = 64;          // connect mode: cycles in flight
  bool busy_poll = false;        // poll epoll without sleeping (a dedicated core only)
  int blast_frames = 0;          // selftest: frames per write per connection (0: 64 KiB)
  io_mode io = io_mode::uring;   // batched reads/writes (epoll: one syscall each)
  std::vector<int> server_pids;  // whose CPU time (and idle: VmRSS) to read, summed
  int sources = 0;               // source addresses 127.0.0.1..N (0: as many as needed)
  std::string json_out;          // also write the final JSON object to this file
};

struct parse_result {
  whisper_bench::options options;
  bool ok = false;
  bool help = false;  // --help was asked: print `message` and exit 0
  std::string message;
};

parse_result parse_options(int argc, const char* const* argv);

// "8000" or "8000,8001" -> ports; false on a malformed list or a port outside 1-65535.
bool parse_port_list(const std::string& text, std::vector<int>& out);

// "1,2,5-8" -> {1,2,5,6,7,8}. Returns false (and leaves `out` unspecified) on a
// malformed list, an empty list or a descending range.
bool parse_id_list(const std::string& text, std::vector<std::int64_t>& out);

// The first octet must be 127: the bench only ever loads the local machine.
bool is_loopback_ipv4(const std::string& host);

}  // namespace whisper_bench
