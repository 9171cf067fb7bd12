// Malformed and ill-typed commands: each gets its error and the connection keeps working.
#include <doctest/doctest.h>

#include "support/chat_fixture.hpp"

using namespace whisper;
using namespace whisper::testing;

namespace {

// Sends `frame`, expects exactly the error `code`, then proves the connection still works.
void expect_error_then_working(chat_fixture& f, const std::string& frame, const char* code) {
  client c = f.joined("alice", f.lobby.id);
  c.text(frame);
  auto reply = c.take_one();
  CHECK_MESSAGE(reply.at("error") == code, frame);
  CHECK(c.conn->closes().empty());
  c.text(chat_fixture::send_frame(f.lobby.id, "still here"));
  CHECK(c.take_one().at("message") == "still here");
}

}  // namespace

TEST_CASE_FIXTURE(chat_fixture, "malformed JSON is BAD_REQUEST") {
  expect_error_then_working(*this, "{\"command\": \"join\", ", "BAD_REQUEST");
  expect_error_then_working(*this, "not json at all", "BAD_REQUEST");
  expect_error_then_working(*this, "", "BAD_REQUEST");
}

TEST_CASE_FIXTURE(chat_fixture, "JSON that is not an object is BAD_REQUEST") {
  expect_error_then_working(*this, R"(["join", 1])", "BAD_REQUEST");
  expect_error_then_working(*this, R"("join")", "BAD_REQUEST");
  expect_error_then_working(*this, "42", "BAD_REQUEST");
  expect_error_then_working(*this, "null", "BAD_REQUEST");
}

TEST_CASE_FIXTURE(chat_fixture, "a missing or non-string command is BAD_REQUEST") {
  expect_error_then_working(*this, R"({"room": 1})", "BAD_REQUEST");
  expect_error_then_working(*this, R"({"command": 1, "room": 1})", "BAD_REQUEST");
  expect_error_then_working(*this, R"({"command": null})", "BAD_REQUEST");
}

TEST_CASE_FIXTURE(chat_fixture, "an unknown command is BAD_REQUEST") {
  expect_error_then_working(*this, R"({"command": "explode", "room": 1})", "BAD_REQUEST");
  expect_error_then_working(*this, R"({"command": "JOIN", "room": 1})", "BAD_REQUEST");
}

TEST_CASE_FIXTURE(chat_fixture, "a missing room is BAD_REQUEST, a non-numeric one ROOM_INVALID") {
  expect_error_then_working(*this, R"({"command": "join"})", "BAD_REQUEST");
  expect_error_then_working(*this, R"({"command": "leave"})", "BAD_REQUEST");
  expect_error_then_working(*this, R"({"command": "room_users"})", "BAD_REQUEST");
  expect_error_then_working(*this, R"({"command": "join", "room": "lobby"})", "ROOM_INVALID");
  expect_error_then_working(*this, R"({"command": "join", "room": 1.5})", "ROOM_INVALID");
  expect_error_then_working(*this, R"({"command": "join", "room": null})", "ROOM_INVALID");
  expect_error_then_working(*this, R"({"command": "join", "room": [1]})", "ROOM_INVALID");
  expect_error_then_working(*this, R"({"command": "join", "room": -1})", "ROOM_INVALID");
  expect_error_then_working(*this, R"({"command": "join", "room": 18446744073709551615})",
                            "ROOM_INVALID");
}

TEST_CASE_FIXTURE(chat_fixture, "send without a string message is BAD_REQUEST") {
  expect_error_then_working(*this, R"({"command": "send", "room": 1})", "BAD_REQUEST");
  expect_error_then_working(*this, R"({"command": "send", "room": 1, "message": 5})",
                            "BAD_REQUEST");
  expect_error_then_working(*this, R"({"command": "send", "room": 1, "message": null})",
                            "BAD_REQUEST");
}

TEST_CASE_FIXTURE(chat_fixture, "JSON nested deeper than the limit is BAD_REQUEST") {
  std::string deep = R"({"command":"send","room":1,"message":"x","extra":)";
  for (int i = 0; i < 20; ++i) deep += "[";
  for (int i = 0; i < 20; ++i) deep += "]";
  deep += "}";
  expect_error_then_working(*this, deep, "BAD_REQUEST");
}

TEST_CASE_FIXTURE(chat_fixture, "nesting within the limit and unknown extra fields are accepted") {
  client c = joined("alice", lobby.id);
  c.text(R"({"command":"send","room":1,"message":"ok","client":{"v":[1,2,{"x":3}]}})");
  CHECK(c.take_one().at("message") == "ok");
}

TEST_CASE_FIXTURE(chat_fixture, "an embedder's command is dispatched with the decoded frame") {
  std::string seen;
  hub->commands().add("ping", [&](consumer& self, const boost::json::object& command) {
    seen = std::string(command.at("payload").as_string());
    self.queue(make_payload(R"({"pong":true})"));
  });
  client c = connect("alice");
  c.text(R"({"command":"ping","payload":"abc"})");
  CHECK(seen == "abc");
  CHECK(c.take_one().at("pong") == true);
}

TEST_CASE_FIXTURE(chat_fixture, "a command handler that throws becomes BAD_REQUEST, not a crash") {
  hub->commands().add("boom", [](consumer&, const boost::json::object& command) {
    (void)command.at("missing");  // throws std::out_of_range
  });
  expect_error_then_working(*this, R"({"command":"boom"})", "BAD_REQUEST");
}

TEST_CASE_FIXTURE(chat_fixture, "a built-in command can be replaced") {
  client c = joined("alice", lobby.id);
  hub->commands().add("send", [](consumer& self, const boost::json::object&) {
    self.queue_error(error_code::room_access_denied, std::nullopt, "read-only");
  });
  c.text(send_frame(lobby.id, "x"));
  CHECK(c.take_one().at("message") == "read-only");
}

TEST_CASE_FIXTURE(chat_fixture, "a handler may keep a copy of the command after it returns") {
  boost::json::object kept;
  hub->commands().add("later", [&](consumer&, const boost::json::object& command) {
    kept = command;  // e.g. to finish the work on another thread
  });
  client c = connect("alice");
  c.text(R"({"command":"later","payload":"a long enough string to leave small-string storage"})");
  CHECK(kept.at("payload") == "a long enough string to leave small-string storage");
}
