// HTTP details of the transport: Expect: 100-continue, repeated Cookie headers.
#include <doctest/doctest.h>

#include <mutex>

#include "support/test_server.hpp"
#include "support/ws_test_client.hpp"

using namespace whisper_test;
using namespace std::chrono_literals;
namespace net = whisper::net;

namespace {

void echo_body(whisper::request&& request, net::http_responder respond) {
  net::http_response response;
  response.body = "got:" + request.body;
  respond(std::move(response));
}

}  // namespace

TEST_CASE("Expect: 100-continue gets an interim 100 before the body is sent, then the answer") {
  test_server server({}, echo_body);
  ws_test_client client(server.port());
  client.send_raw(
      "POST /x HTTP/1.1\r\nHost: a\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\n");
  const auto interim = client.read_reply(2s);  // the body has not been sent yet
  REQUIRE(interim.has_value());
  CHECK(interim->status == 100);
  CHECK(interim->head == "HTTP/1.1 100 Continue\r\n");
  client.send_raw("hello");
  const auto final_reply = client.read_reply();
  REQUIRE(final_reply.has_value());
  CHECK(final_reply->status == 200);
  CHECK(final_reply->body == "got:hello");
  // The next request on the same connection, without Expect, gets no interim answer.
  const auto plain = client.request("POST /y HTTP/1.1\r\nHost: a\r\nContent-Length: 2\r\n\r\nok");
  CHECK(plain.status == 200);
  CHECK(plain.body == "got:ok");
}

TEST_CASE("Expect: 100-continue with a body over the limit gets the final 413, no 100") {
  test_server server([](auto& o) { o.max_request_bytes = 1024; }, echo_body);
  ws_test_client client(server.port());
  const auto reply = client.request(
      "POST /x HTTP/1.1\r\nHost: a\r\nExpect: 100-continue\r\nContent-Length: 5000\r\n\r\n");
  CHECK(reply.status == 413);
}

TEST_CASE("repeated Cookie headers reach the handler as one list and authenticate an upgrade") {
  std::mutex mutex;
  std::string seen_cookie;
  test_server server({}, [&](whisper::request&& request, net::http_responder respond) {
    {
      std::lock_guard<std::mutex> lock(mutex);
      seen_cookie = std::string(request.header("cookie").value_or(""));
    }
    respond(net::http_response{});
  });
  ws_test_client page(server.port());
  CHECK(page.request("GET / HTTP/1.1\r\nHost: a\r\nCookie: theme=dark; lang=en\r\n"
                     "Cookie: sessionid=good-alice\r\n\r\n")
            .status == 200);
  {
    std::lock_guard<std::mutex> lock(mutex);
    CHECK(seen_cookie == "theme=dark; lang=en; sessionid=good-alice");
  }
  // The session cookie in the second Cookie header is found by the authenticator.
  ws_test_client socket(server.port());
  CHECK(socket.upgrade("", "Cookie: theme=dark\r\nCookie: sessionid=good-alice\r\n").status == 101);
}
