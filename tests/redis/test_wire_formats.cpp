// The pure wire formats of the Redis layer: the PUBLISH envelope, process ids, and the
// presence hash layout.
#include <doctest/doctest.h>

#include <set>

#include "presence_hash.hpp"
#include "wire_envelope.hpp"

using namespace whisper::redis_detail;

TEST_CASE("an envelope carries origin, target and an event containing newlines") {
  const auto text = encode_envelope("proc-1", "whisper.p!3", "{\"a\":\n1}");
  const auto env = decode_envelope(text);
  REQUIRE(env);
  CHECK(env->origin == "proc-1");
  CHECK(env->target == "whisper.p!3");
  CHECK(env->event == "{\"a\":\n1}");
  const auto group = decode_envelope(encode_envelope("proc-1", "", "{}"));
  REQUIRE(group);
  CHECK(group->target.empty());
}

TEST_CASE("payloads that are not envelopes are rejected") {
  CHECK_FALSE(decode_envelope(""));
  CHECK_FALSE(decode_envelope("no newline"));
  CHECK_FALSE(decode_envelope("\nempty origin\n{}"));
  CHECK_FALSE(decode_envelope("one\nline only"));
}

TEST_CASE("process ids are distinct version-4 UUIDs without '.', '!' or newlines") {
  std::set<std::string> seen;
  for (int i = 0; i < 100; ++i) {
    const auto id = make_process_id();
    CHECK(id.size() == 36);
    CHECK(id[14] == '4');
    CHECK(id.find_first_of(".!\n") == std::string::npos);
    seen.insert(id);
  }
  CHECK(seen.size() == 100);
}

TEST_CASE("the presence hash sums connections over processes and marks users left") {
  whisper::user alice{1, "alice", "Alice A.", false, true};
  whisper::user bob{2, "bob", "", false, true};
  const double now = 1000.0;
  const auto list = read_presence_hash(
      {
          {user_field(1), user_value(alice, 990.0)},
          {count_field(1, "p1"), "1"},
          {count_field(1, "p2"), "2"},
          {user_field(2), user_value(bob, 995.5)},
          {"garbage", "x"},
          {"u:3", "not json"},
      },
      now, 3600.0, {"p1", "p2"});
  REQUIRE(list.size() == 2);
  CHECK(list[0].id == 1);
  CHECK(list[0].username == "alice");
  CHECK(list[0].name == "Alice A.");
  CHECK_FALSE(list[0].left);
  CHECK(list[0].last_update == doctest::Approx(990.0));
  CHECK(list[1].username == "bob");
  CHECK(list[1].left);  // no process counts a connection of bob
}

TEST_CASE("presence entries older than the timeout are not listed") {
  whisper::user carol{3, "carol", "", false, true};
  const auto list =
      read_presence_hash({{user_field(3), user_value(carol, 100.0)}}, 5000.0, 3600.0, {});
  CHECK(list.empty());
}

TEST_CASE("connections counted by a process that is no longer alive do not count") {
  whisper::user dave{4, "dave", "", false, true};
  const hash_fields fields{
      {user_field(4), user_value(dave, 990.0)},
      {count_field(4, "crashed"), "3"},
      {count_field(4, "alive-one"), "1"},
  };
  CHECK(counting_processes(fields) == std::vector<std::string>{"alive-one", "crashed"});
  auto list = read_presence_hash(fields, 1000.0, 3600.0, {"crashed"});
  CHECK_FALSE(list.at(0).left);
  list = read_presence_hash(fields, 1000.0, 3600.0, {"someone-else"});
  CHECK(list.at(0).left);
  CHECK(alive_key("whisper", "p-1") == "whisper:alive:p-1");
}
