// redis:// URL parsing: every accepted form, and clear errors without the password.
#include <doctest/doctest.h>

#include <stdexcept>
#include <string>

#include "whisper/redis_url.hpp"

using whisper::parse_redis_url;

TEST_CASE("an empty URL and a bare scheme mean 127.0.0.1:6379 database 0") {
  for (const char* text : {"", "redis://", "redis:///"}) {
    const auto u = parse_redis_url(text);
    CHECK(u.host == "127.0.0.1");
    CHECK(u.port == 6379);
    CHECK(u.db == 0);
    CHECK(u.password.empty());
  }
}

TEST_CASE("host, port and database are read when present") {
  auto u = parse_redis_url("redis://cache.internal:6380/3");
  CHECK(u.host == "cache.internal");
  CHECK(u.port == 6380);
  CHECK(u.db == 3);
  u = parse_redis_url("redis://10.0.0.5");
  CHECK(u.host == "10.0.0.5");
  CHECK(u.port == 6379);
  u = parse_redis_url("redis://:7000/1");
  CHECK(u.host == "127.0.0.1");
  CHECK(u.port == 7000);
  CHECK(u.db == 1);
}

TEST_CASE("a bracketed IPv6 host keeps its colons") {
  const auto u = parse_redis_url("redis://[::1]:6390/2");
  CHECK(u.host == "::1");
  CHECK(u.port == 6390);
  CHECK(u.db == 2);
  CHECK(u.to_string() == "redis://[::1]:6390/2");
}

TEST_CASE("credentials: password only, user and password, percent-decoded") {
  auto u = parse_redis_url("redis://:s3cret@localhost");
  CHECK(u.username.empty());
  CHECK(u.password == "s3cret");
  u = parse_redis_url("redis://alice:p%40ss%3Aw%2Fd@localhost:6379/0");
  CHECK(u.username == "alice");
  CHECK(u.password == "p@ss:w/d");
  // An unescaped '@' in the password: the last '@' ends the credentials.
  u = parse_redis_url("redis://:a@b@host");
  CHECK(u.password == "a@b");
  CHECK(u.host == "host");
}

TEST_CASE("to_string never shows the password") {
  const auto u = parse_redis_url("redis://alice:topsecret@db.example:6379/4");
  CHECK(u.to_string() == "redis://alice:***@db.example:6379/4");
  CHECK(u.to_string().find("topsecret") == std::string::npos);
  CHECK(parse_redis_url("redis://h").to_string() == "redis://h:6379/0");
}

TEST_CASE("bad URLs are refused with a clear sentence that omits the password") {
  const char* bad[] = {
      "http://localhost",         // wrong scheme
      "localhost:6379",           // no scheme
      "rediss://localhost",       // TLS is not supported
      "redis://host:0",           // port out of range
      "redis://host:65536",       // port out of range
      "redis://host:abc",         // port not a number
      "redis://host:",            // empty port
      "redis://host/x",           // db not a number
      "redis://host/-1",          // db not a number
      "redis://host?db=1",        // query strings
      "redis://secretonly@host",  // credentials without ':'
      "redis://:bad%zzsecret@h",  // bad escape
      "redis://:secret%4@h",      // truncated escape
      "redis://[::1",             // unclosed IPv6
      "redis://ho st",            // invalid host character
  };
  for (const char* text : bad) {
    CAPTURE(text);
    try {
      parse_redis_url(text);
      FAIL("accepted a bad URL");
    } catch (const std::invalid_argument& e) {
      const std::string what = e.what();
      CHECK(what.rfind("invalid Redis URL: ", 0) == 0);
      CHECK(what.find("secret") == std::string::npos);
    }
  }
}
