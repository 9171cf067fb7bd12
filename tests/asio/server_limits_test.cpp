// Connection limits on real sockets: open connections per remote IP (counted at accept,
// HTTP and WebSocket alike) and open WebSockets per user (counted after authentication).
#include <doctest/doctest.h>

#include <memory>
#include <vector>

#include "support/eventually.hpp"
#include "support/test_server.hpp"
#include "support/ws_test_client.hpp"

using namespace whisper_test;
using namespace std::chrono_literals;
namespace net = whisper::net;

namespace {

const char* const get_request = "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";

void answer_ok(whisper::request&&, net::http_responder respond) {
  respond(net::http_response{});
}

}  // namespace

TEST_CASE(
    "a connection over max_connections_per_ip gets 429 and is closed; a freed slot is reused") {
  test_server server([](auto& o) { o.limits.max_connections_per_ip = 2; }, answer_ok);
  auto first = std::make_unique<ws_test_client>(server.port());
  CHECK(first->request(get_request).status == 200);  // kept alive: still counted
  ws_test_client second(server.port());
  REQUIRE(second.upgrade("sessionid=good-alice").status == 101);  // WebSockets count too

  ws_test_client third(server.port());
  const auto refused = third.read_reply();  // sent at accept, before any request
  REQUIRE(refused.has_value());
  CHECK(refused->status == 429);
  CHECK(third.wait_disconnected());
  CHECK(server.server().stats().refused_ip_limit == 1);
  CHECK(server.server().stats().http_requests == 2);  // the refused one never got that far

  first.reset();  // closing one frees its slot
  CHECK(eventually([&] {
    ws_test_client again(server.port());
    return again.request(get_request, 1s).status == 200;
  }));
}

TEST_CASE("max_connections_per_ip 0 means no limit") {
  test_server server([](auto& o) { o.limits.max_connections_per_ip = 0; }, answer_ok);
  std::vector<std::unique_ptr<ws_test_client>> clients;
  for (int i = 0; i < 20; ++i) {
    clients.push_back(std::make_unique<ws_test_client>(server.port()));
    CHECK(clients.back()->request(get_request).status == 200);
  }
  CHECK(server.server().stats().refused_ip_limit == 0);
}

TEST_CASE("an upgrade over max_connections_per_user is refused with 429; other users are not") {
  test_server server([](auto& o) { o.limits.max_connections_per_user = 2; });
  auto tab1 = std::make_unique<ws_test_client>(server.port());
  REQUIRE(tab1->upgrade("sessionid=good-alice").status == 101);
  ws_test_client tab2(server.port());
  REQUIRE(tab2.upgrade("sessionid=good-alice").status == 101);

  ws_test_client tab3(server.port());
  CHECK(tab3.upgrade("sessionid=good-alice").status == 429);
  CHECK(tab3.wait_disconnected());
  CHECK(server.server().stats().refused_user_limit == 1);
  CHECK(server.server().stats().upgrades == 2);
  ws_test_client bob(server.port());
  CHECK(bob.upgrade("sessionid=good-bob").status == 101);

  // Plain HTTP requests of the same user are not WebSockets: not counted.
  ws_test_client page(server.port());
  CHECK(page.request("GET / HTTP/1.1\r\nHost: a\r\nCookie: sessionid=good-alice\r\n\r\n").status ==
        404);

  tab1->send_frame(0x8, std::string("\x03\xe8", 2));  // a clean close frees the slot
  CHECK(tab1->read_close_code() == 1000);
  tab1.reset();
  CHECK(eventually([&] {
    ws_test_client again(server.port());
    return again.upgrade("sessionid=good-alice").status == 101;
  }));
}
