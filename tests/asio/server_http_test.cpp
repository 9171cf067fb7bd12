// The HTTP side of the transport on real sockets: requests reach the app's handler,
// responses (also deferred, from other threads) come back framed, limits are enforced.
#include <doctest/doctest.h>

#include <mutex>
#include <thread>

#include "support/test_server.hpp"
#include "support/ws_test_client.hpp"

using namespace whisper_test;
using namespace std::chrono_literals;
namespace net = whisper::net;

TEST_CASE("the HTTP handler gets method, path, query, headers and body; keep-alive works") {
  std::mutex mutex;
  whisper::request seen;
  test_server server({}, [&](whisper::request&& request, net::http_responder respond) {
    {
      std::lock_guard<std::mutex> lock(mutex);
      seen = request;
    }
    net::http_response response;
    response.status = 302;
    response.headers = {{"Location", "/"}, {"Set-Cookie", "a=1"}, {"Set-Cookie", "b=2"}};
    response.body = "echo:" + request.body;
    respond(std::move(response));
  });
  ws_test_client client(server.port());
  auto reply = client.request(
      "POST /accounts/login/?next=/ HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Custom: Yes\r\n"
      "Content-Length: 11\r\n\r\nuser=alice&");
  CHECK(reply.status == 302);
  CHECK(reply.body == "echo:user=alice&");
  CHECK(reply.has_header("Set-Cookie: a=1"));
  CHECK(reply.has_header("Set-Cookie: b=2"));
  CHECK(reply.has_header("Connection: keep-alive"));
  {
    std::lock_guard<std::mutex> lock(mutex);
    CHECK(seen.method == "POST");
    CHECK(seen.target == "/accounts/login/?next=/");
    CHECK(seen.path == "/accounts/login/");
    CHECK(seen.query == "next=/");
    CHECK(seen.header("x-custom") == "Yes");
    CHECK(seen.header("X-CUSTOM") == "Yes");
    CHECK(seen.remote_address == "127.0.0.1");
  }
  // The same connection serves a second request.
  auto again = client.request("GET /x HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
  CHECK(again.status == 302);
  CHECK(server.server().stats().http_requests == 2);
}

TEST_CASE("a response given later from another thread arrives") {
  std::vector<std::thread> workers;
  std::mutex mutex;
  test_server server({}, [&](whisper::request&& request, net::http_responder respond) {
    std::lock_guard<std::mutex> lock(mutex);
    workers.emplace_back([respond, path = request.path] {
      std::this_thread::sleep_for(100ms);  // e.g. Argon2 on a worker pool
      net::http_response response;
      response.body = "late answer for " + path;
      respond(response);
    });
  });
  ws_test_client client(server.port());
  auto reply = client.request("GET /slow HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
  CHECK(reply.status == 200);
  CHECK(reply.body == "late answer for /slow");
  server.stop();
  for (auto& t : workers) t.join();
}

TEST_CASE("a handler that drops its responder unanswered yields a 500") {
  test_server server({}, [](whisper::request&&, net::http_responder) {});
  ws_test_client client(server.port());
  CHECK(client.request("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").status == 500);
}

TEST_CASE("a response for a client that left meanwhile is dropped safely") {
  std::vector<std::thread> workers;
  std::mutex mutex;
  test_server server({}, [&](whisper::request&&, net::http_responder respond) {
    std::lock_guard<std::mutex> lock(mutex);
    workers.emplace_back([respond] {
      std::this_thread::sleep_for(200ms);
      respond(net::http_response{});
    });
  });
  {
    ws_test_client client(server.port());
    client.send_raw("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
    std::this_thread::sleep_for(50ms);
  }  // gone before the answer
  std::this_thread::sleep_for(300ms);
  ws_test_client next(server.port());  // the server still serves
  CHECK(next.request("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").status == 200);
  server.stop();
  for (auto& t : workers) t.join();
}

TEST_CASE("HTTP/1.0 and Connection: close end the connection after the response") {
  test_server server(
      {}, [](whisper::request&&, net::http_responder respond) { respond(net::http_response{}); });
  ws_test_client client(server.port());
  auto reply = client.request("GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n");
  CHECK(reply.has_header("Connection: close"));
  CHECK(client.wait_disconnected());
  ws_test_client old(server.port());
  CHECK(old.request("GET / HTTP/1.0\r\nHost: a\r\n\r\n").has_header("Connection: close"));
  CHECK(old.wait_disconnected());
}

TEST_CASE("a body over max_request_bytes is refused with 413, a huge head with 431") {
  test_server server(
      [](auto& o) { o.max_request_bytes = 1024; },
      [](whisper::request&&, net::http_responder respond) { respond(net::http_response{}); });
  ws_test_client big_body(server.port());
  CHECK(big_body.request("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5000\r\n\r\n").status ==
        413);
  ws_test_client big_head(server.port());
  CHECK(
      big_head.request("GET / HTTP/1.1\r\nHost: a\r\nX-Big: " + std::string(2000, 'h') + "\r\n\r\n")
          .status == 431);
  ws_test_client endless_head(server.port());  // refused before the head even ends
  CHECK(endless_head.request("GET / HTTP/1.1\r\nHost: a\r\nX-Big: " + std::string(2000, 'h'))
            .status == 431);
  ws_test_client garbage(server.port());
  CHECK(garbage.request("NONSENSE\r\n\r\n").status == 400);
}

TEST_CASE("a connection that never completes its request is dropped after handshake_timeout") {
  test_server server([](auto& o) { o.limits.handshake_timeout = std::chrono::seconds(1); });
  ws_test_client client(server.port());
  client.send_raw("GET / HTTP/1.1\r\nHost: a\r\n");  // never finished
  const auto start = std::chrono::steady_clock::now();
  CHECK(client.wait_disconnected(4s));
  CHECK(std::chrono::steady_clock::now() - start >= 500ms);
}

TEST_CASE("listening on a port in use fails with a sentence naming it") {
  test_server first;
  whisper::memory_room_directory rooms;
  whisper::memory_presence presence;
  whisper::in_process_channel_layer layer;
  whisper::chat_hub hub(layer, rooms, presence);
  net::server_options options;
  options.port = first.port();
  net::server second(options, hub, {}, {});
  try {
    second.listen();
    FAIL("listen() should have thrown");
  } catch (const net::bind_error& e) {
    const std::string text = e.what();
    INFO(text);
    CHECK(text.find("127.0.0.1:" + std::to_string(first.port()) + " is already in use") !=
          std::string::npos);
  }
}
