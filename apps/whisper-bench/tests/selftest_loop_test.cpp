#include <doctest/doctest.h>

#include "clock.hpp"
#include "modes.hpp"

using namespace whisper_bench;

// The whole client path over real loopback sockets: connect, upgrade, join, then
// frames decoded, classified and timed, against the built-in blaster.
TEST_CASE("the selftest receives blasted frames through the full client path without errors") {
  Options options;
  options.mode = Mode::kSelftest;
  options.connections = 3;
  options.warmup_s = 0.1;
  options.duration_s = 0.3;
  RunContext context;
  context.options = &options;
  context.target.path = "/chat/stream/";
  context.target.upgrade_host = "127.0.0.1";
  context.deadline_ns = now_ns() + 20 * kNsPerSec;
  const std::string result = run_selftest(context).str();
  CHECK(result.find("\"ok\":true") != std::string::npos);
  CHECK(result.find("\"protocol_errors\":0") != std::string::npos);
  CHECK(result.find("\"upgrade_failures\":0") != std::string::npos);
  CHECK(result.find("\"frames_per_s\":0,") == std::string::npos);
}
