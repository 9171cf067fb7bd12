// Per-connection limits: message length, rooms per connection, frame size, rate limit.
#include <doctest/doctest.h>

#include "support/chat_fixture.hpp"

using namespace whisper;
using namespace whisper::testing;
using namespace std::chrono_literals;

TEST_CASE_FIXTURE(chat_fixture, "a message over the limit is MESSAGE_TOO_LONG and not broadcast") {
  client alice = joined("alice", lobby.id);
  client bob = joined("bob", lobby.id);
  alice.take();
  const std::size_t max = hub->options().limits.max_message_bytes;
  alice.text(send_frame(lobby.id, std::string(max + 1, 'x')));
  auto reply = alice.take_one();
  CHECK(reply.at("error") == "MESSAGE_TOO_LONG");
  CHECK(bob.take().empty());
  alice.text(send_frame(lobby.id, std::string(max, 'x')));  // exactly at the limit: fine
  CHECK(bob.take().size() == 1);
}

TEST_CASE("the message limit counts UTF-8 bytes") {
  hub_options options;
  options.limits.max_message_bytes = 4;
  chat_fixture f(options);
  client alice = f.joined("alice", f.lobby.id);
  alice.text(chat_fixture::send_frame(f.lobby.id, "\xC3\xA9\xC3\xA9"));  // 2 chars, 4 bytes
  CHECK(alice.take_one().contains("msg_type"));
  alice.text(chat_fixture::send_frame(f.lobby.id, "\xC3\xA9\xC3\xA9!"));
  CHECK(alice.take_one().at("error") == "MESSAGE_TOO_LONG");
}

TEST_CASE("joining more rooms than allowed is refused with a message") {
  hub_options options;
  options.limits.max_rooms_per_connection = 2;
  chat_fixture f(options);
  client alice = f.connect("alice");
  alice.text(chat_fixture::join_frame(f.lobby.id));
  alice.text(chat_fixture::join_frame(f.other.id));
  alice.take();
  const room extra = f.rooms.create("Extra", false);
  alice.text(chat_fixture::join_frame(extra.id));
  auto reply = alice.take_one();
  CHECK(reply.at("error") == "ROOM_ACCESS_DENIED");
  CHECK(reply.contains("message"));
  CHECK_FALSE(alice.session->joined(extra.id));
  alice.text(chat_fixture::join_frame(f.lobby.id));  // re-joining one it is in still works
  CHECK(alice.take_one().contains("join"));
}

TEST_CASE_FIXTURE(chat_fixture, "a frame over the size limit closes the connection with 1009") {
  client alice = joined("alice", lobby.id);
  alice.text(std::string(hub->options().limits.max_frame_bytes + 1, ' '));
  CHECK(alice.conn->close_code() == close_code::message_too_big);
}

TEST_CASE("commands beyond the burst are RATE_LIMITED and not processed") {
  hub_options options;
  options.limits.commands_per_second = 2;
  options.limits.command_burst = 3;
  chat_fixture f(options);
  client alice = f.joined("alice", f.lobby.id);  // the join took one token
  alice.text(chat_fixture::send_frame(f.lobby.id, "1"));
  alice.text(chat_fixture::send_frame(f.lobby.id, "2"));
  alice.text(chat_fixture::send_frame(f.lobby.id, "3"));
  auto frames = alice.take();
  REQUIRE(frames.size() == 3);
  CHECK(frames[0].at("message") == "1");
  CHECK(frames[1].at("message") == "2");
  CHECK(frames[2].at("error") == "RATE_LIMITED");
  CHECK(f.hub->stats().rate_limited == 1);
  CHECK(f.hub->stats().messages_in == 2);
}

TEST_CASE("the bucket refills at the configured rate, up to the burst") {
  hub_options options;
  options.limits.commands_per_second = 2;
  options.limits.command_burst = 3;
  chat_fixture f(options);
  client alice = f.joined("alice", f.lobby.id);
  for (int i = 0; i < 3; ++i) alice.text(chat_fixture::send_frame(f.lobby.id, "x"));
  alice.take();
  f.steady += 499ms;  // not yet a whole token
  alice.text(chat_fixture::send_frame(f.lobby.id, "early"));
  CHECK(alice.take_one().at("error") == "RATE_LIMITED");
  f.steady += 500ms;  // 1.998 tokens now: one is spent
  alice.text(chat_fixture::send_frame(f.lobby.id, "on time"));
  CHECK(alice.take_one().at("message") == "on time");
  f.steady += 1h;  // a long pause refills only up to the burst
  for (int i = 0; i < 4; ++i) alice.text(chat_fixture::send_frame(f.lobby.id, "x"));
  auto frames = alice.take();
  REQUIRE(frames.size() == 4);
  CHECK(frames[2].contains("message"));
  CHECK(frames[3].at("error") == "RATE_LIMITED");
}

TEST_CASE("rate-limit strikes close the connection with 1008") {
  hub_options options;
  options.limits.commands_per_second = 1;
  options.limits.command_burst = 1;
  options.limits.rate_limit_strikes = 3;
  chat_fixture f(options);
  client alice = f.connect("alice");
  alice.text(chat_fixture::join_frame(f.lobby.id));
  alice.text(chat_fixture::join_frame(f.lobby.id));  // strike 1
  alice.text(chat_fixture::join_frame(f.lobby.id));  // strike 2
  CHECK(alice.conn->closes().empty());
  alice.text(chat_fixture::join_frame(f.lobby.id));  // strike 3
  CHECK(alice.conn->close_code() == close_code::policy_violation);
}

TEST_CASE("strikes are not reset by an accepted command: a client mostly refused is closed") {
  hub_options options;
  options.limits.commands_per_second = 1;
  options.limits.command_burst = 1;
  options.limits.rate_limit_strikes = 5;
  chat_fixture f(options);
  client alice = f.connect("alice");
  // Three commands a second against a rate of one: one accepted, two refused each second.
  for (int second = 0; second < 10 && alice.conn->closes().empty(); ++second) {
    for (int i = 0; i < 3; ++i) alice.text(chat_fixture::join_frame(f.lobby.id));
    f.steady += 1s;
  }
  CHECK(alice.conn->close_code() == close_code::policy_violation);
}

TEST_CASE("strikes are forgiven with time: an occasional burst is not closed") {
  hub_options options;
  options.limits.commands_per_second = 1;
  options.limits.command_burst = 1;
  options.limits.rate_limit_strikes = 3;
  chat_fixture f(options);
  client alice = f.connect("alice");
  for (int round = 0; round < 10; ++round) {
    alice.text(chat_fixture::join_frame(f.lobby.id));
    alice.text(chat_fixture::join_frame(f.lobby.id));  // one strike a round ...
    f.steady += 2s;                                    // ... forgiven before the next
  }
  CHECK(alice.conn->closes().empty());
}

TEST_CASE("a non-positive rate switches rate limiting off") {
  hub_options options;
  options.limits.commands_per_second = 0;
  options.limits.command_burst = 0;
  chat_fixture f(options);
  client alice = f.joined("alice", f.lobby.id);
  for (int i = 0; i < 100; ++i) alice.text(chat_fixture::send_frame(f.lobby.id, "x"));
  CHECK(alice.take().size() == 100);
}

TEST_CASE("frames after on_close are ignored") {
  chat_fixture f;
  client alice = f.joined("alice", f.lobby.id);
  alice.session->on_close();
  alice.text(chat_fixture::send_frame(f.lobby.id, "ghost"));
  alice.text(chat_fixture::join_frame(f.lobby.id));
  CHECK(alice.take().empty());
  CHECK(f.layer.group_size(group_name(f.lobby.id)) == 0);
}
