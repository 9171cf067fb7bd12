// trusted_proxies: CIDR matching, and which address a request's client is when it came
// through (or claims to have come through) a reverse proxy.
#include "whisper/asio/trusted_proxies.hpp"

#include <doctest/doctest.h>

#include <stdexcept>

using whisper::net::trusted_proxy_list;
using headers = std::vector<std::pair<std::string, std::string>>;

TEST_SUITE("trusted_proxies") {
  TEST_CASE("addresses and CIDR networks match IPv4 and IPv6 clients") {
    const trusted_proxy_list proxies(
        {"127.0.0.1", "10.0.0.0/8", "192.168.1.0/24", "::1", "fd00::/8"});
    CHECK(proxies.contains("127.0.0.1"));
    CHECK_FALSE(proxies.contains("127.0.0.2"));
    CHECK(proxies.contains("10.0.0.1"));
    CHECK(proxies.contains("10.255.255.255"));
    CHECK_FALSE(proxies.contains("11.0.0.1"));
    CHECK(proxies.contains("192.168.1.77"));
    CHECK_FALSE(proxies.contains("192.168.2.1"));
    CHECK(proxies.contains("::1"));
    CHECK(proxies.contains("fd12:3456::1"));
    CHECK_FALSE(proxies.contains("fe80::1"));
    CHECK_FALSE(proxies.contains("2001:db8::1"));
    // A dual-stack socket reports IPv4 peers as IPv4-mapped IPv6.
    CHECK(proxies.contains("::ffff:10.1.2.3"));
    CHECK_FALSE(proxies.contains("::ffff:11.1.2.3"));
    CHECK_FALSE(proxies.contains("not an address"));
    CHECK_FALSE(proxies.contains(""));
  }

  TEST_CASE("a network with host bits set and /0 still match by prefix") {
    const trusted_proxy_list proxies({"172.16.5.9/12", "0.0.0.0/0"});
    CHECK(proxies.contains("172.31.0.1"));
    CHECK(proxies.contains("8.8.8.8"));
    CHECK_FALSE(proxies.contains("2001:db8::1"));  // an IPv4 network never holds IPv6
  }

  TEST_CASE("entries that are neither addresses nor networks are refused by name") {
    for (const char* bad : {"", "localhost", "10.0.0.0/33", "::/129", "10.0.0.0/", "10.0.0.0/x",
                            "10.0.0.0/8/8", "300.1.1.1", "10.0.0.0/-1"}) {
      CAPTURE(bad);
      try {
        trusted_proxy_list proxies({bad});
        FAIL("accepted");
      } catch (const std::invalid_argument& e) {
        CHECK(std::string(e.what()).find(std::string("'") + bad + "'") != std::string::npos);
      }
    }
    CHECK_NOTHROW(trusted_proxy_list({" 10.0.0.0/8 ", "2001:db8::/32"}));
  }

  TEST_CASE("with no trusted proxies the peer is the client whatever the headers say") {
    const trusted_proxy_list nobody;
    CHECK(nobody.empty());
    CHECK(nobody.client_address("127.0.0.1", {{"x-forwarded-for", "203.0.113.5"}}) == "127.0.0.1");
  }

  TEST_CASE("an untrusted peer cannot spoof its address with either header") {
    const trusted_proxy_list proxies({"127.0.0.1"});
    CHECK(proxies.client_address("198.51.100.9", {{"x-forwarded-for", "127.0.0.1"}}) ==
          "198.51.100.9");
    CHECK(proxies.client_address("198.51.100.9", {{"forwarded", "for=203.0.113.5"}}) ==
          "198.51.100.9");
  }

  TEST_CASE("a trusted peer's X-Forwarded-For names the client") {
    const trusted_proxy_list proxies({"127.0.0.1"});
    CHECK(proxies.client_address("127.0.0.1", {{"x-forwarded-for", "203.0.113.5"}}) ==
          "203.0.113.5");
    CHECK(proxies.client_address("127.0.0.1", {{"x-forwarded-for", " 2001:db8::7 "}}) ==
          "2001:db8::7");
    // Without a header the proxy itself asked (a health check).
    CHECK(proxies.client_address("127.0.0.1", {}) == "127.0.0.1");
  }

  TEST_CASE("the rightmost untrusted hop wins: hops left of it were written by the client") {
    const trusted_proxy_list proxies({"127.0.0.1", "10.0.0.0/8"});
    // The client sent "X-Forwarded-For: 1.1.1.1", the edge proxy appended the client's
    // real address, an inner proxy (10.0.0.2) appended the edge's.
    CHECK(proxies.client_address("127.0.0.1",
                                 {{"x-forwarded-for", "1.1.1.1, 203.0.113.5, 10.0.0.2"}}) ==
          "203.0.113.5");
    // Repeated headers are one list, in order.
    CHECK(proxies.client_address("127.0.0.1", {{"x-forwarded-for", "1.1.1.1"},
                                               {"x-forwarded-for", "203.0.113.5, 10.0.0.2"}}) ==
          "203.0.113.5");
    // Every hop trusted: the leftmost is as far as anyone can see.
    CHECK(proxies.client_address("127.0.0.1", {{"x-forwarded-for", "10.0.0.3, 10.0.0.2"}}) ==
          "10.0.0.3");
  }

  TEST_CASE("malformed or hidden hops end the walk at the last believed address") {
    const trusted_proxy_list proxies({"127.0.0.1", "10.0.0.0/8"});
    CHECK(proxies.client_address("127.0.0.1", {{"x-forwarded-for", "garbage"}}) == "127.0.0.1");
    CHECK(proxies.client_address("127.0.0.1", {{"x-forwarded-for", "unknown, 10.0.0.2"}}) ==
          "10.0.0.2");
    CHECK(proxies.client_address("127.0.0.1", {{"x-forwarded-for", ""}}) == "127.0.0.1");
    CHECK(proxies.client_address("127.0.0.1", {{"x-forwarded-for", "203.0.113.5,,"}}) ==
          "127.0.0.1");
    CHECK(proxies.client_address("127.0.0.1", {{"x-forwarded-for", "[2001:db8::1"}}) ==
          "127.0.0.1");
    CHECK(proxies.client_address("127.0.0.1", {{"x-forwarded-for", "203.0.113.5\x01"}}) ==
          "127.0.0.1");
    // A hostile right-hand part never makes a left-hand hop believed.
    CHECK(proxies.client_address("127.0.0.1", {{"x-forwarded-for", "203.0.113.5, evil"}}) ==
          "127.0.0.1");
  }

  TEST_CASE("hops with ports, as some proxies write them") {
    const trusted_proxy_list proxies({"127.0.0.1"});
    CHECK(proxies.client_address("127.0.0.1", {{"x-forwarded-for", "203.0.113.5:4711"}}) ==
          "203.0.113.5");
    CHECK(proxies.client_address("127.0.0.1", {{"x-forwarded-for", "[2001:db8::1]:4711"}}) ==
          "2001:db8::1");
    CHECK(proxies.client_address("127.0.0.1", {{"x-forwarded-for", "[2001:db8::1]x"}}) ==
          "127.0.0.1");
  }

  TEST_CASE("RFC 7239 Forwarded: for= of the rightmost untrusted element") {
    const trusted_proxy_list proxies({"127.0.0.1", "10.0.0.0/8"});
    CHECK(proxies.client_address("127.0.0.1", {{"forwarded", "for=203.0.113.5;proto=https"}}) ==
          "203.0.113.5");
    CHECK(proxies.client_address(
              "127.0.0.1",
              {{"forwarded", "for=1.1.1.1, FOR=\"[2001:db8:cafe::17]:4711\", for=10.0.0.2"}}) ==
          "2001:db8:cafe::17");
    CHECK(proxies.client_address("127.0.0.1",
                                 {{"forwarded", "proto=http;by=10.0.0.1; for=203.0.113.5"}}) ==
          "203.0.113.5");
    // Obfuscated and unknown identifiers (RFC 7239 §6) are not addresses.
    CHECK(proxies.client_address("127.0.0.1", {{"forwarded", "for=_hidden, for=10.0.0.2"}}) ==
          "10.0.0.2");
    CHECK(proxies.client_address("127.0.0.1", {{"forwarded", "for=unknown"}}) == "127.0.0.1");
    CHECK(proxies.client_address("127.0.0.1", {{"forwarded", "proto=https"}}) == "127.0.0.1");
  }

  TEST_CASE("X-Forwarded-For is used when both headers are present") {
    const trusted_proxy_list proxies({"127.0.0.1"});
    CHECK(proxies.client_address("127.0.0.1", {{"forwarded", "for=198.51.100.1"},
                                               {"x-forwarded-for", "203.0.113.5"}}) ==
          "203.0.113.5");
  }

  TEST_CASE("an IPv4-mapped trusted peer is trusted; the client comes out in canonical form") {
    const trusted_proxy_list proxies({"127.0.0.1"});
    CHECK(proxies.client_address("::ffff:127.0.0.1", {{"x-forwarded-for", "::ffff:203.0.113.5"}}) ==
          "203.0.113.5");
    CHECK(proxies.client_address("127.0.0.1", {{"x-forwarded-for", "2001:DB8:0:0::1"}}) ==
          "2001:db8::1");
  }
}
