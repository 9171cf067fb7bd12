#include "server_spread.hpp"

#include <doctest/doctest.h>

#include <set>
#include <vector>

using namespace whisper_bench;

TEST_CASE("one server takes every connection") {
  for (std::uint32_t i = 0; i < 50; ++i) CHECK(server_for_connection(i, 10, 1) == 0);
}

TEST_CASE("every room spans every server") {
  const std::size_t rooms = 10;  // an even count: i % servers alone would keep rooms apart
  for (std::size_t servers : {2u, 3u, 4u}) {
    std::vector<std::set<std::size_t>> seen(rooms);
    for (std::uint32_t i = 0; i < 1000; ++i) {
      seen[i % rooms].insert(server_for_connection(i, rooms, servers));
    }
    for (const auto& servers_of_room : seen) CHECK(servers_of_room.size() == servers);
  }
}

TEST_CASE("one sender per room: the senders are spread evenly over the servers") {
  const std::size_t rooms = 10;
  std::vector<int> senders_on(2, 0);
  for (std::uint32_t i = 0; i < rooms; ++i) ++senders_on[server_for_connection(i, rooms, 2)];
  CHECK(senders_on[0] == 5);
  CHECK(senders_on[1] == 5);
}

TEST_CASE("connections are shared evenly between the servers") {
  std::vector<int> per_server(2, 0);
  for (std::uint32_t i = 0; i < 1000; ++i) ++per_server[server_for_connection(i, 10, 2)];
  CHECK(per_server[0] == 500);
  CHECK(per_server[1] == 500);
}

TEST_CASE("with one room, connection i goes to server i % n") {
  for (std::uint32_t i = 0; i < 30; ++i) CHECK(server_for_connection(i, 1, 3) == i % 3);
}
