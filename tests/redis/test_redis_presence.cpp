// Presence through Redis: room_users spans both processes.
#include <doctest/doctest.h>

#include <ctime>
#include <future>

#include "layer_pair.hpp"
#include "whisper/redis_presence.hpp"

using namespace whisper;
using namespace std::chrono_literals;

namespace {

std::vector<presence_entry> list_of(redis_presence& p, room_id room) {
  auto result = std::make_shared<std::promise<std::vector<presence_entry>>>();
  auto f = result->get_future();
  p.list(room, [result](std::vector<presence_entry> entries) { result->set_value(entries); });
  REQUIRE(f.wait_for(5s) == std::future_status::ready);
  return f.get();
}

const presence_entry* find(const std::vector<presence_entry>& list, user_id id) {
  for (const auto& e : list) {
    if (e.id == id) return &e;
  }
  return nullptr;
}

struct presence_pair {
  explicit presence_pair(const test::redis_server& redis, std::chrono::seconds timeout = 1h)
      : a(loop_a.io(), test::fast_options(redis), timeout),
        b(loop_b.io(), test::fast_options(redis), timeout) {
    a.start();
    b.start();
  }
  test::io_thread loop_a;
  test::io_thread loop_b;
  redis_presence a;
  redis_presence b;
};

const user alice{1, "alice", "Alice A.", false, true};
const user bob{2, "bob", "Bob B.", false, true};

}  // namespace

TEST_CASE("users present on different processes are listed by both") {
  test::redis_server redis;
  presence_pair p(redis);
  p.a.entered(10, alice);
  p.b.entered(10, bob);
  REQUIRE(test::eventually([&] { return list_of(p.a, 10).size() == 2; }));
  const auto seen_by_b = list_of(p.b, 10);
  REQUIRE(find(seen_by_b, 1));
  CHECK(find(seen_by_b, 1)->username == "alice");
  CHECK(find(seen_by_b, 1)->name == "Alice A.");
  CHECK_FALSE(find(seen_by_b, 1)->left);
  CHECK_FALSE(find(seen_by_b, 2)->left);
  CHECK(find(seen_by_b, 2)->last_update > 1.7e9);
  CHECK(list_of(p.a, 11).empty());
}

TEST_CASE("a user counts as present while any process has one of their connections") {
  test::redis_server redis;
  presence_pair p(redis);
  p.a.entered(20, alice);
  p.a.entered(20, alice);  // two tabs on A
  p.b.entered(20, alice);  // one on B
  p.a.left(20, alice);
  p.a.left(20, alice);
  std::this_thread::sleep_for(100ms);
  const auto while_on_b = list_of(p.b, 20);
  REQUIRE(find(while_on_b, 1));
  CHECK_FALSE(find(while_on_b, 1)->left);
  p.b.left(20, alice);
  REQUIRE(test::eventually([&] {
    const auto seen = list_of(p.a, 20);
    const auto* entry = find(seen, 1);
    return entry != nullptr && entry->left;
  }));
}

TEST_CASE("a member's message refreshes last_update in Redis, at most once a second") {
  test::redis_server redis;
  presence_pair p(redis);
  p.a.entered(25, alice);
  REQUIRE(test::eventually([&] { return find(list_of(p.b, 25), 1) != nullptr; }));
  const double joined_at = find(list_of(p.b, 25), 1)->last_update;
  p.a.sent_message(25, alice.id);  // within the second of the join: coalesced, no write
  p.b.sent_message(25, alice.id);  // B has no connection of alice's: ignored
  std::this_thread::sleep_for(100ms);
  CHECK(find(list_of(p.b, 25), 1)->last_update == joined_at);
  // The interval is the wall clock's (epoch seconds, as listed): wait it out.
  std::this_thread::sleep_for(presence_refresh_interval);
  p.a.sent_message(25, alice.id);
  REQUIRE(test::eventually([&] {
    const auto seen = list_of(p.b, 25);  // find() points into it: keep it alive
    const auto* e = find(seen, 1);
    return e != nullptr && e->last_update >= joined_at + 1.0;
  }));
  const auto seen = list_of(p.b, 25);
  CHECK_FALSE(find(seen, 1)->left);
  CHECK(find(seen, 2) == nullptr);
}

TEST_CASE("each update sets the room's expiry to the presence timeout; clear forgets it") {
  test::redis_server redis;
  presence_pair p(redis, 120s);
  p.a.entered(30, bob);
  REQUIRE(test::eventually([&] { return redis.command({"EXISTS", "t:presence:30"}) == "1"; }));
  REQUIRE(test::eventually([&] { return redis.command({"TTL", "t:presence:30"}) != "-1"; }));
  const auto ttl = std::stoll(redis.command({"TTL", "t:presence:30"}));
  CHECK(ttl > 100);
  CHECK(ttl <= 120);
  p.b.clear(30);
  REQUIRE(test::eventually([&] { return redis.command({"EXISTS", "t:presence:30"}) == "0"; }));
}

TEST_CASE("during an outage list() answers from the local view; Redis is caught up after") {
  test::redis_server redis;
  presence_pair p(redis);
  p.a.entered(40, alice);
  REQUIRE(test::eventually([&] { return list_of(p.b, 40).size() == 1; }));
  redis.kill();
  p.a.entered(40, bob);
  p.a.left(40, alice);
  const auto local = list_of(p.a, 40);
  REQUIRE(local.size() == 2);
  CHECK(find(local, 1)->left);
  CHECK_FALSE(find(local, 2)->left);

  redis.start();  // empty: the restarted server lost everything
  REQUIRE(test::eventually(
      [&] {
        auto seen = list_of(p.b, 40);
        return seen.size() == 2 && find(seen, 1)->left && !find(seen, 2)->left;
      },
      10s));
}

TEST_CASE("a user counted only by a process that died is listed as left") {
  test::redis_server redis;
  presence_pair p(redis);
  // Each live process keeps its alive key.
  REQUIRE(test::eventually([&] {
    return redis.command({"KEYS", "t:alive:*"}).find('\n') != std::string::npos;
  }));
  p.a.entered(50, alice);
  REQUIRE(test::eventually([&] { return list_of(p.b, 50).size() == 1; }));
  // A process that crashed left its count behind, but has no alive key.
  redis.command(
      {"HSET", "t:presence:50", "u:2",
       R"({"username":"bob","name":"","last_update":)" + std::to_string(std::time(nullptr)) + "}",
       "c:2:crashed-process", "1"});
  const auto seen = list_of(p.b, 50);
  REQUIRE(seen.size() == 2);
  CHECK_FALSE(find(seen, 1)->left);
  CHECK(find(seen, 2)->left);
}

TEST_CASE("presence start() refuses an unreachable Redis") {
  test::io_thread loop;
  redis_options o;
  o.url = "redis://127.0.0.1:" + std::to_string(test::free_loopback_port());
  o.connect_timeout = 300ms;
  redis_presence p(loop.io(), o);
  CHECK_THROWS_WITH_AS(p.start(), doctest::Contains("cannot reach Redis at 127.0.0.1:"),
                       std::runtime_error);
}
