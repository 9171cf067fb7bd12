// The strict request-head checks (RFC 9112 framing): every shape a lenient parser would
// read its own way, and so could be used to smuggle a second request, is refused.
#include "http_head_check.hpp"

#include <doctest/doctest.h>

#include <string>

namespace net = whisper::net;

namespace {

// A POST head with the given header lines (each ending in "\r\n").
std::string post_with(const std::string& lines) {
  return "POST /api/rooms/1/messages HTTP/1.1\r\nHost: a\r\n" + lines + "\r\n";
}

bool refused(const std::string& head) {
  return net::check_request_head(head).has_value();
}

}  // namespace

TEST_CASE("head check: ordinary requests pass") {
  CHECK_FALSE(refused("GET / HTTP/1.1\r\nHost: a\r\n\r\n"));
  CHECK_FALSE(refused("GET /x?y=1 HTTP/1.0\r\nHost: a\r\n\r\n"));
  CHECK_FALSE(refused(post_with("Content-Length: 5\r\n")));
  CHECK_FALSE(refused(post_with("content-length:5\r\n")));           // no whitespace at all
  CHECK_FALSE(refused(post_with("Content-Length: \t 0 \t\r\n")));    // OWS around the value
  CHECK_FALSE(refused(post_with("User-Agent: a\tb \xC3\xA9\r\n")));  // HTAB and obs-text
  CHECK_FALSE(refused(post_with("X-Empty:\r\n")));
  CHECK_FALSE(refused(post_with("Cookie: a=1\r\nCookie: b=2\r\n")));  // repeatable headers
}

TEST_CASE("head check: two Content-Length headers are refused, even with equal values") {
  CHECK(refused(post_with("Content-Length: 0\r\nContent-Length: 40\r\n")));
  CHECK(refused(post_with("Content-Length: 5\r\ncontent-length: 5\r\n")));
  CHECK(net::check_request_head(post_with("Content-Length: 0\r\nContent-Length: 4\r\n"))
            ->find("more than one Content-Length") != std::string::npos);
}

TEST_CASE("head check: a Content-Length that is not one plain number is refused") {
  for (const char* value : {"0, 40", "5,5", "abc", "+5", "-1", "5abc", "0x10", "", "1 2", "٣"}) {
    CAPTURE(value);
    CHECK(refused(post_with(std::string("Content-Length: ") + value + "\r\n")));
  }
}

TEST_CASE("head check: whitespace between a header name and the colon is refused") {
  CHECK(refused(post_with("Content-Length : 5\r\n")));
  CHECK(refused(post_with("Content-Length\t: 5\r\n")));
  CHECK(refused(post_with("X-Anything : 1\r\n")));
}

TEST_CASE("head check: control characters other than HTAB in the head are refused") {
  CHECK(refused(post_with(std::string("X-A: a\0b\r\n", 10))));
  CHECK(refused(post_with("X-A: a\x1b[31m\r\n")));
  CHECK(refused(post_with("X-A: a\x7f\r\n")));
  CHECK(refused(post_with("X-A: a\nContent-Length: 5\r\n")));  // a bare LF is not a line end
  CHECK(refused(post_with("X-A: a\rb\r\n")));
  CHECK(refused(std::string("GET /\0 HTTP/1.1\r\nHost: a\r\n\r\n", 28)));
}

TEST_CASE("head check: Transfer-Encoding is refused, alone or with Content-Length") {
  CHECK(refused(post_with("Transfer-Encoding: chunked\r\n")));
  CHECK(refused(post_with("Transfer-Encoding: gzip, chunked\r\n")));
  const auto both =
      net::check_request_head(post_with("Content-Length: 5\r\nTransfer-Encoding: chunked\r\n"));
  REQUIRE(both.has_value());
  CHECK(both->find("Transfer-Encoding together with Content-Length") != std::string::npos);
}

TEST_CASE("head check: folded lines, lines without a colon and bad names are refused") {
  CHECK(refused(post_with("X-A: a\r\n b\r\n")));
  CHECK(refused(post_with(" Content-Length: 5\r\n")));
  CHECK(refused(post_with("No colon here\r\n")));
  CHECK(refused(post_with(": empty name\r\n")));
  CHECK(refused(post_with("X(A): 1\r\n")));
}

TEST_CASE("head check: two Host headers are refused") {
  CHECK(refused("GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n"));
}

TEST_CASE("head check: a request line other than METHOD SP target SP HTTP/x.y is refused") {
  CHECK(refused("GET  / HTTP/1.1\r\nHost: a\r\n\r\n"));
  CHECK(refused("GET / HTTP/1.1 x\r\nHost: a\r\n\r\n"));
  CHECK(refused("GET /\tx HTTP/1.1\r\nHost: a\r\n\r\n"));
  CHECK(refused("GET / FOO/1.1\r\nHost: a\r\n\r\n"));
  CHECK(refused("GET /\r\nHost: a\r\n\r\n"));
  CHECK(refused("G(T / HTTP/1.1\r\nHost: a\r\n\r\n"));
  CHECK(refused("GET / HTTP/1.1\r\nHost: a\r\n"));  // no blank line: not a whole head
}
