// The wire format: every server frame byte for byte, and room id parsing.
#include <doctest/doctest.h>

#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <cstdint>

#include "whisper/chat_hub.hpp"
#include "whisper/protocol.hpp"

using namespace whisper;

TEST_CASE("join reply carries the room id as a string and the title") {
  CHECK(*encode_join_reply(7, "Lobby") == R"({"join":"7","title":"Lobby"})");
}

TEST_CASE("leave reply carries the room id as a string") {
  CHECK(*encode_leave_reply(7) == R"({"leave":"7"})");
}

TEST_CASE("chat message frame has msg_type, numeric room, username and message in order") {
  CHECK(*encode_room_message(7, msg_type::message, "alice", "hi") ==
        R"({"msg_type":0,"room":7,"username":"alice","message":"hi"})");
  CHECK(*encode_room_message(7, msg_type::alert, "staff", "careful") ==
        R"({"msg_type":2,"room":7,"username":"staff","message":"careful"})");
}

TEST_CASE("enter and leave notices have no message key") {
  CHECK(*encode_room_message(7, msg_type::enter, "bob", "ignored") ==
        R"({"msg_type":4,"room":7,"username":"bob"})");
  CHECK(*encode_room_message(7, msg_type::leave, "bob", {}) ==
        R"({"msg_type":5,"room":7,"username":"bob"})");
}

TEST_CASE("join replies and room messages escape every byte as Boost.JSON does") {
  for (int b = 0; b < 256; ++b) {
    const std::string text = std::string("a") + static_cast<char>(b) + "z";
    boost::json::object message;
    message["msg_type"] = 0;
    message["room"] = 5;
    message["username"] = boost::json::string_view(text.data(), text.size());
    message["message"] = boost::json::string_view(text.data(), text.size());
    CHECK(*encode_room_message(5, msg_type::message, text, text) ==
          boost::json::serialize(message));
    boost::json::object reply;
    reply["join"] = "5";
    reply["title"] = boost::json::string_view(text.data(), text.size());
    CHECK(*encode_join_reply(5, text) == boost::json::serialize(reply));
  }
}

TEST_CASE("text is JSON-escaped, quotes, backslashes, control characters and UTF-8 intact") {
  CHECK(*encode_room_message(1, msg_type::message, "a\"b", "x\\y\n\x01 \xC3\xA9") ==
        "{\"msg_type\":0,\"room\":1,\"username\":\"a\\\"b\",\"message\":\"x\\\\y\\n\\u0001 "
        "\xC3\xA9\"}");
  CHECK(*encode_join_reply(3, "</script>") == R"({"join":"3","title":"</script>"})");
}

TEST_CASE("error frame has only the code unless room and message are given") {
  CHECK(*encode_error(error_code::room_invalid) == R"({"error":"ROOM_INVALID"})");
  CHECK(*encode_error(error_code::room_access_denied, 4) ==
        R"({"error":"ROOM_ACCESS_DENIED","room":4})");
  CHECK(*encode_error(error_code::message_too_long, 4, "too long") ==
        R"({"error":"MESSAGE_TOO_LONG","room":4,"message":"too long"})");
  CHECK(*encode_error(error_code::bad_request, std::nullopt, "x") ==
        R"({"error":"BAD_REQUEST","message":"x"})");
}

TEST_CASE("error codes have their wire spelling") {
  CHECK(to_string(error_code::room_invalid) == "ROOM_INVALID");
  CHECK(to_string(error_code::room_access_denied) == "ROOM_ACCESS_DENIED");
  CHECK(to_string(error_code::bad_request) == "BAD_REQUEST");
  CHECK(to_string(error_code::message_too_long) == "MESSAGE_TOO_LONG");
  CHECK(to_string(error_code::rate_limited) == "RATE_LIMITED");
}

TEST_CASE("room_users frame lists users by id with username, name, left and last_update") {
  std::vector<presence_entry> users{{3, "alice", "Alice A.", false, 1732460000.25},
                                    {5, "bob", "", true, 1732460001.5}};
  const std::string text = *encode_room_users(7, users);
  CHECK(text.rfind(R"({"type":6,"room":7,"data":{"users":{"3":{"username":"alice","name":)"
                   R"("Alice A.","left":false,"last_update":)",
                   0) == 0);
  CHECK(text.find(R"("5":{"username":"bob","name":"","left":true,"last_update":)") !=
        std::string::npos);
  auto v = boost::json::parse(text);
  CHECK(v.at("data").at("users").at("3").at("last_update").as_double() ==
        doctest::Approx(1732460000.25));
}

TEST_CASE("empty room_users frame has an empty users object") {
  CHECK(*encode_room_users(2, {}) == R"({"type":6,"room":2,"data":{"users":{}}})");
}

TEST_CASE("room ids parse from decimal digit strings only") {
  CHECK(parse_room_id("7") == 7);
  CHECK(parse_room_id("0012") == 12);
  CHECK(parse_room_id("9223372036854775807") == INT64_MAX);
  CHECK_FALSE(parse_room_id(""));
  CHECK_FALSE(parse_room_id("-1"));
  CHECK_FALSE(parse_room_id("+1"));
  CHECK_FALSE(parse_room_id(" 1"));
  CHECK_FALSE(parse_room_id("1a"));
  CHECK_FALSE(parse_room_id("lobby"));
  CHECK_FALSE(parse_room_id("9223372036854775808"));  // overflow
}

TEST_CASE("a room's group is room-<id>") {
  CHECK(group_name(7) == "room-7");
  CHECK(user_group_name(3) == "user-3");
}

TEST_CASE("make_payload shares one immutable string") {
  payload_ptr f = make_payload("abc");
  payload_ptr g = f;
  CHECK(f.get() == g.get());
  CHECK(*g == "abc");
}
