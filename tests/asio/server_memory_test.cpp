// Memory per idle connection (W3 of docs/benchmarks.md): the transport keeps no read buffer, no
// HTTP parser and no timer per idle WebSocket, so a joined, idle client must cost the
// server well under 4 KiB of RSS (websocketpp's stock connection cost ~12 KiB).
#include <doctest/doctest.h>
#include <unistd.h>

#include <fstream>
#include <memory>
#include <vector>

#include "support/test_server.hpp"
#include "support/ws_test_client.hpp"

using namespace whisper_test;

// Sanitizers multiply the memory of every allocation: the measurement means nothing there.
#if !defined(__SANITIZE_ADDRESS__) && !defined(__SANITIZE_THREAD__)

namespace {

std::size_t resident_bytes() {
  std::ifstream statm("/proc/self/statm");
  std::size_t pages = 0, resident = 0;
  statm >> pages >> resident;
  return resident * static_cast<std::size_t>(::sysconf(_SC_PAGESIZE));
}

void open_joined(test_server& server, std::vector<std::unique_ptr<ws_test_client>>& clients,
                 std::size_t count) {
  for (std::size_t i = 0; i < count; ++i) {
    auto client = std::make_unique<ws_test_client>(server.port());
    REQUIRE(client->upgrade("sessionid=good-u" + std::to_string(clients.size())).status == 101);
    client->send_text(join_command(server.lobby()));
    REQUIRE(client->read_text_containing("\"join\"").has_value());
    client->release_buffer();
    clients.push_back(std::move(client));
  }
}

}  // namespace

TEST_CASE("an idle joined connection costs the server well under 4 KiB") {
  whisper_test::test_server server(
      [](auto& o) {
        // Nobody is pinged or dropped while the test measures.
        o.limits.idle_timeout = std::chrono::seconds(600);
        // Every client comes from 127.0.0.1: more than the per-IP default of 1024.
        o.limits.max_connections_per_ip = 0;
      },
      {},
      // Idle means idle: no enter notice fan-out (n² frames) queued while measuring.
      [](whisper::hub_options& c) { c.enter_leave_notices = false; });
  std::vector<std::unique_ptr<ws_test_client>> clients;
  constexpr std::size_t warm_up = 200, measured = 2000;
  clients.reserve(warm_up + measured);
  open_joined(server, clients, warm_up);  // thread buffers, pools and maps settle first
  const std::size_t before = resident_bytes();
  open_joined(server, clients, measured);
  const std::size_t per_connection = (resident_bytes() - before) / measured;
  MESSAGE("server RSS per idle joined connection: " << per_connection << " bytes");
  CHECK(per_connection < 4096);
}
#endif
