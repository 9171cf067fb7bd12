// The in-memory room directory, user store and session store.
#include <doctest/doctest.h>

#include <set>

#include "whisper/memory_stores.hpp"

using namespace whisper;

TEST_CASE("rooms get ids from 1 and are listed in id order") {
  memory_room_directory rooms;
  room a = rooms.create("A", false);
  room b = rooms.create("B", true);
  CHECK(a.id == 1);
  CHECK(b.id == 2);
  auto all = rooms.list();
  REQUIRE(all.size() == 2);
  CHECK(all[0].title == "A");
  CHECK(all[1].staff_only);
}

TEST_CASE("rooms can be found, updated and removed") {
  memory_room_directory rooms;
  room a = rooms.create("A", false);
  a.title = "Renamed";
  a.staff_only = true;
  CHECK(rooms.update(a));
  CHECK(rooms.find(a.id)->title == "Renamed");
  CHECK(rooms.find(a.id)->staff_only);
  CHECK_FALSE(rooms.update(room{99, "x", false}));
  CHECK(rooms.remove(a.id));
  CHECK_FALSE(rooms.remove(a.id));
  CHECK_FALSE(rooms.find(a.id));
  CHECK(rooms.create("C", false).id == 2);  // ids are not reused
}

TEST_CASE("users get ids from 1 and keep their password hash") {
  memory_user_store users;
  user alice = users.create(user{42, "alice", "Alice", false, true}, "hash-a");
  user bob = users.create(user{0, "bob", "", true, true}, "");
  CHECK(alice.id == 1);
  CHECK(bob.id == 2);
  CHECK(users.find(1)->username == "alice");
  CHECK(users.find_by_username("bob")->is_staff);
  CHECK_FALSE(users.find_by_username("carol"));
  CHECK(users.password_hash(1) == "hash-a");
  CHECK(users.set_password_hash(1, "hash-b"));
  CHECK(users.password_hash(1) == "hash-b");
  CHECK_FALSE(users.set_password_hash(9, "x"));
  CHECK_FALSE(users.password_hash(9));
  auto all = users.list();
  REQUIRE(all.size() == 2);
  CHECK(all[0].id == 1);
  CHECK(all[1].id == 2);
}

TEST_CASE("a taken username is refused on create and on update") {
  memory_user_store users;
  users.create(user{0, "alice", "", false, true}, "");
  user bob = users.create(user{0, "bob", "", false, true}, "");
  CHECK_THROWS_AS(users.create(user{0, "alice", "", false, true}, ""), duplicate_username);
  bob.username = "alice";
  CHECK_THROWS_AS(users.update(bob), duplicate_username);
  bob.username = "bobby";
  bob.is_active = false;
  CHECK(users.update(bob));
  CHECK_FALSE(users.find(bob.id)->is_active);
  CHECK(users.remove(bob.id));
  CHECK_FALSE(users.update(bob));
}

TEST_CASE("sessions have random 64-hex-digit ids and name their user until they expire") {
  auto now = std::chrono::system_clock::time_point(std::chrono::hours(1000));
  memory_session_store sessions([&] { return now; });
  const std::string id = sessions.create(7, std::chrono::seconds(60));
  CHECK(id.size() == 64);
  CHECK(id.find_first_not_of("0123456789abcdef") == std::string::npos);
  CHECK(sessions.create(7, std::chrono::seconds(60)) != id);
  CHECK(sessions.lookup(id) == 7);
  now += std::chrono::seconds(59);
  CHECK(sessions.lookup(id) == 7);
  now += std::chrono::seconds(1);
  CHECK_FALSE(sessions.lookup(id));
  CHECK_FALSE(sessions.lookup("nope"));
}

TEST_CASE("sessions end one by one or all of a user at once") {
  memory_session_store sessions;
  const auto a1 = sessions.create(1, std::chrono::hours(1));
  const auto a2 = sessions.create(1, std::chrono::hours(1));
  const auto b = sessions.create(2, std::chrono::hours(1));
  sessions.remove(a1);
  CHECK_FALSE(sessions.lookup(a1));
  CHECK(sessions.lookup(a2) == 1);
  sessions.remove_user(1);
  CHECK_FALSE(sessions.lookup(a2));
  CHECK(sessions.lookup(b) == 2);
}
