// The Origin check that stops cross-site WebSocket hijacking.
#include <doctest/doctest.h>

#include "whisper/auth.hpp"

using namespace whisper;

namespace {
const std::vector<std::string> none;
}

TEST_CASE("no Origin header is allowed (not a browser)") {
  CHECK(origin_allowed(std::nullopt, "chat.example", none));
}

TEST_CASE("an Origin equal to the request Host is allowed") {
  CHECK(origin_allowed("https://chat.example", "chat.example", none));
  CHECK(origin_allowed("http://localhost:8000", "localhost:8000", none));
  CHECK(origin_allowed("HTTPS://Chat.Example", "chat.EXAMPLE", none));
  CHECK(origin_allowed("http://127.0.0.1:8000/", "127.0.0.1:8000", none));
  CHECK(origin_allowed("http://[::1]:8000", "[::1]:8000", none));
}

TEST_CASE("an Origin of another site is refused") {
  CHECK_FALSE(origin_allowed("https://evil.example", "chat.example", none));
  CHECK_FALSE(origin_allowed("https://chat.example.evil.example", "chat.example", none));
  CHECK_FALSE(origin_allowed("https://evilchat.example", "chat.example", none));
}

TEST_CASE("a different port of the request host is refused when the Host has a port") {
  CHECK_FALSE(origin_allowed("http://localhost:9999", "localhost:8000", none));
  CHECK(origin_allowed("https://chat.example", "chat.example:443", none));
  CHECK_FALSE(origin_allowed("http://chat.example", "chat.example:443", none));
}

TEST_CASE("null and malformed Origins are refused") {
  CHECK_FALSE(origin_allowed("null", "chat.example", none));
  CHECK_FALSE(origin_allowed("", "chat.example", none));
  CHECK_FALSE(origin_allowed("chat.example", "chat.example", none));
  CHECK_FALSE(origin_allowed("https://", "chat.example", none));
  CHECK_FALSE(origin_allowed("https://chat.example:80x", "chat.example", none));
  CHECK_FALSE(origin_allowed("https://user@chat.example", "chat.example", none));
  CHECK_FALSE(origin_allowed("null", "chat.example", {"*"}));
}

TEST_CASE("an allowed list replaces the request host") {
  const std::vector<std::string> allowed{"app.example", "localhost:3000"};
  CHECK(origin_allowed("https://app.example", "api.example", allowed));
  CHECK(origin_allowed("https://app.example:8443", "api.example", allowed));  // any port
  CHECK(origin_allowed("http://localhost:3000", "api.example", allowed));
  CHECK_FALSE(origin_allowed("http://localhost:3001", "api.example", allowed));
  CHECK_FALSE(origin_allowed("https://api.example", "api.example", allowed));
}

TEST_CASE("a star in the allowed list admits any Origin") {
  CHECK(origin_allowed("https://anything.example", "chat.example", {"*"}));
}
