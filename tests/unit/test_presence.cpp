// In-memory presence: reference counts per (room, user), left flags and expiry.
#include <doctest/doctest.h>

#include "whisper/presence.hpp"

using namespace whisper;
using namespace std::chrono_literals;

namespace {

struct presence_fixture {
  std::chrono::system_clock::time_point now{std::chrono::seconds(1732460000)};
  memory_presence presence{std::chrono::seconds(3600), [this] { return now; }};
  user alice{1, "alice", "Alice A.", false, true};
  user bob{2, "bob", "Bob B.", false, true};

  std::vector<presence_entry> list(room_id room) {
    std::vector<presence_entry> out;
    bool called = false;
    presence.list(room, [&](std::vector<presence_entry> entries) {
      out = std::move(entries);
      called = true;
    });
    REQUIRE(called);
    return out;
  }
};

// A time to the millisecond: doctest::Approx alone is relative (1e-5 of 1.7e9 seconds
// would accept half a day's difference).
doctest::Approx at_ms(double seconds) {
  return doctest::Approx(seconds).epsilon(1e-12);
}

}  // namespace

TEST_CASE_FIXTURE(presence_fixture, "a user who entered is listed as present with the time") {
  now += 250ms;
  presence.entered(7, alice);
  auto entries = list(7);
  REQUIRE(entries.size() == 1);
  CHECK(entries[0].id == 1);
  CHECK(entries[0].username == "alice");
  CHECK(entries[0].name == "Alice A.");
  CHECK_FALSE(entries[0].left);
  CHECK(entries[0].last_update == at_ms(1732460000.25));
  CHECK(list(8).empty());
}

TEST_CASE_FIXTURE(presence_fixture, "two tabs count once and the user has left after the last") {
  presence.entered(7, alice);
  presence.entered(7, alice);
  CHECK(list(7).size() == 1);
  presence.left(7, alice);
  CHECK_FALSE(list(7)[0].left);
  now += 5s;
  presence.left(7, alice);
  auto entries = list(7);
  REQUIRE(entries.size() == 1);
  CHECK(entries[0].left);
  CHECK(entries[0].last_update == at_ms(1732460005.0));
  presence.left(7, alice);  // an extra leave does not go negative
  presence.entered(7, alice);
  CHECK_FALSE(list(7)[0].left);
}

TEST_CASE_FIXTURE(presence_fixture, "users are listed in id order") {
  presence.entered(7, bob);
  presence.entered(7, alice);
  auto entries = list(7);
  REQUIRE(entries.size() == 2);
  CHECK(entries[0].username == "alice");
  CHECK(entries[1].username == "bob");
}

TEST_CASE_FIXTURE(presence_fixture, "a user who left is no longer listed after the timeout") {
  presence.entered(7, alice);
  presence.entered(7, bob);
  presence.left(7, alice);
  now += 3600s;
  CHECK(list(7).size() == 2);  // exactly at the timeout: still listed
  now += 1s;
  auto entries = list(7);
  REQUIRE(entries.size() == 1);
  CHECK(entries[0].username == "bob");  // still connected: stays listed
  // Pruned: entering again starts a fresh count.
  presence.entered(7, alice);
  presence.left(7, alice);
  CHECK(list(7).size() == 2);
}

TEST_CASE_FIXTURE(presence_fixture, "clear forgets a room") {
  presence.entered(7, alice);
  presence.entered(8, alice);
  presence.clear(7);
  CHECK(list(7).empty());
  CHECK(list(8).size() == 1);
  presence.left(7, alice);  // after a clear: no-op
  CHECK(list(7).empty());
}

TEST_CASE_FIXTURE(presence_fixture,
                  "a member's message refreshes last_update at most once a second") {
  presence.entered(7, alice);
  now += 500ms;
  presence.sent_message(7, alice.id);  // half a second after the join: coalesced
  CHECK(list(7)[0].last_update == at_ms(1732460000.0));
  now += 500ms;
  presence.sent_message(7, alice.id);
  CHECK(list(7)[0].last_update == at_ms(1732460001.0));
  now += 300ms;
  presence.sent_message(7, alice.id);
  CHECK(list(7)[0].last_update == at_ms(1732460001.0));
  now += 60s;
  presence.sent_message(7, alice.id);
  CHECK(list(7)[0].last_update == at_ms(1732460061.3));
  CHECK_FALSE(list(7)[0].left);
}

TEST_CASE_FIXTURE(presence_fixture, "a message does not refresh a user who left or never joined") {
  presence.entered(7, alice);
  presence.left(7, alice);
  now += 5s;
  presence.sent_message(7, alice.id);  // a send that raced the leave
  auto entries = list(7);
  REQUIRE(entries.size() == 1);
  CHECK(entries[0].left);
  CHECK(entries[0].last_update == at_ms(1732460000.0));
  presence.sent_message(7, bob.id);
  presence.sent_message(8, alice.id);
  CHECK(list(7).size() == 1);
  CHECK(list(8).empty());
}
