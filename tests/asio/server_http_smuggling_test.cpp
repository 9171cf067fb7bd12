// Request smuggling on a real socket: a head whose framing is ambiguous is answered 400
// and the connection closed, so a second request hidden in its body is never executed.
#include <doctest/doctest.h>

#include <mutex>
#include <string>
#include <vector>

#include "support/test_server.hpp"
#include "support/ws_test_client.hpp"

using namespace whisper_test;
using namespace std::chrono_literals;
namespace net = whisper::net;

namespace {

// The hidden request: what an attacker wants executed with the victim's cookie.
const std::string hidden = "GET /api/users HTTP/1.1\r\nHost: a\r\n\r\n";

// Records every path the handler is called with.
struct path_log {
  std::mutex mutex;
  std::vector<std::string> paths;

  net::http_handler handler() {
    return [this](whisper::request&& request, net::http_responder respond) {
      {
        std::lock_guard<std::mutex> lock(mutex);
        paths.push_back(request.path);
      }
      respond(net::http_response{});
    };
  }
  std::vector<std::string> seen() {
    std::lock_guard<std::mutex> lock(mutex);
    return paths;
  }
};

// A publish whose body is `hidden`, with the given framing header lines.
std::string publish_hiding_a_request(const std::string& framing) {
  return "POST /api/rooms/1/messages HTTP/1.1\r\nHost: a\r\n" + framing + "\r\n" + hidden;
}

}  // namespace

TEST_CASE("a request hidden behind two Content-Length headers is not executed: 400 and close") {
  path_log log;
  test_server server({}, log.handler());
  ws_test_client client(server.port());
  const auto reply = client.request(publish_hiding_a_request(
      "Content-Length: 0\r\nContent-Length: " + std::to_string(hidden.size()) + "\r\n"));
  CHECK(reply.status == 400);
  CHECK(reply.has_header("Connection: close"));
  CHECK(reply.body.find("Content-Length") != std::string::npos);
  CHECK(client.wait_disconnected(2s));
  CHECK(log.seen().empty());  // neither the publish nor the hidden GET /api/users
}

TEST_CASE("every ambiguous framing shape is refused before the handler runs") {
  path_log log;
  test_server server({}, log.handler());
  const std::string size = std::to_string(hidden.size());
  const std::vector<std::string> shapes = {"Content-Length: 0, " + size + "\r\n",
                                           "Content-Length: abc\r\n",
                                           "Content-Length: +" + size + "\r\n",
                                           "Content-Length : 0\r\n",
                                           std::string("X-A: a\0b\r\nContent-Length: 0\r\n", 29),
                                           "Transfer-Encoding: chunked\r\nContent-Length: 0\r\n",
                                           "Transfer-Encoding: chunked\r\n"};
  for (const std::string& framing : shapes) {
    CAPTURE(framing);
    ws_test_client client(server.port());
    const auto reply = client.request(publish_hiding_a_request(framing));
    CHECK(reply.status == 400);
    CHECK(reply.has_header("Connection: close"));
    CHECK(client.wait_disconnected(2s));
  }
  CHECK(log.seen().empty());
}

TEST_CASE("a well-framed request still keeps its connection for the next one") {
  path_log log;
  test_server server({}, log.handler());
  ws_test_client client(server.port());
  const auto first = client.request(
      publish_hiding_a_request("Content-Length: " + std::to_string(hidden.size()) + "\r\n"));
  CHECK(first.status == 200);
  CHECK(first.has_header("Connection: keep-alive"));
  CHECK(client.request(hidden).status == 200);
  CHECK(log.seen() == std::vector<std::string>{"/api/rooms/1/messages", "/api/users"});
}
