// TLS on real sockets (built with WHISPER_HAVE_TLS): https requests reach the handler as
// secure, wss upgrades chat as usual, bad certificates and plain-text clients are refused.
#include <doctest/doctest.h>

#ifdef WHISPER_HAVE_TLS

#include <fstream>
#include <mutex>

#include "support/test_server.hpp"
#include "support/tls_test_client.hpp"
#include "support/ws_test_client.hpp"

using namespace whisper_test;
using namespace std::chrono_literals;
namespace net = whisper::net;

namespace {

// A listen() that must fail with tls_error; returns its message.
std::string tls_error_of(const std::string& cert, const std::string& key) {
  whisper::memory_room_directory rooms;
  whisper::memory_presence presence;
  whisper::in_process_channel_layer layer;
  whisper::chat_hub hub(layer, rooms, presence);
  net::server_options options;
  options.port = 0;
  options.tls.cert_file = cert;
  options.tls.key_file = key;
  net::server server(options, hub, {}, {});
  try {
    server.listen();
  } catch (const net::tls_error& e) {
    return e.what();
  }
  FAIL("listen() should have thrown tls_error");
  return {};
}

}  // namespace

TEST_CASE("an https request reaches the handler marked secure, over a verified certificate") {
  self_signed_certificate certificate;
  std::mutex mutex;
  bool seen_secure = false;
  test_server server(
      [&](auto& o) {
        o.tls.cert_file = certificate.cert_file();
        o.tls.key_file = certificate.key_file();
      },
      [&](whisper::request&& request, net::http_responder respond) {
        {
          std::lock_guard<std::mutex> lock(mutex);
          seen_secure = request.secure;
        }
        net::http_response response;
        response.body = "secret page " + request.path;
        respond(std::move(response));
      });
  tls_test_client client(server.port(), certificate.cert_file());
  const auto reply = client.request("GET /page HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
  CHECK(reply.status == 200);
  CHECK(reply.body == "secret page /page");
  {
    std::lock_guard<std::mutex> lock(mutex);
    CHECK(seen_secure);
  }
  // Keep-alive works over TLS too.
  CHECK(client.request("GET /again HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").body ==
        "secret page /again");
}

TEST_CASE("a wss upgrade joins a room and exchanges messages with another wss client") {
  self_signed_certificate certificate;
  test_server server([&](auto& o) {
    o.tls.cert_file = certificate.cert_file();
    o.tls.key_file = certificate.key_file();
  });
  tls_test_client alice(server.port(), certificate.cert_file());
  tls_test_client bob(server.port(), certificate.cert_file());
  for (auto* client : {&alice, &bob}) {
    const std::string name = client == &alice ? "alice" : "bob";
    const auto reply = client->request(
        "GET /chat/stream/ HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
        "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
        "Sec-WebSocket-Version: 13\r\nCookie: sessionid=good-" +
        name + "\r\n\r\n");
    REQUIRE(reply.status == 101);
    CHECK(reply.has_header("Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo="));
    client->send_text(join_command(server.lobby()));
    REQUIRE(client->read_text_containing("\"join\"").has_value());
  }
  alice.send_text(send_command(server.lobby(), "hello over tls"));
  const auto received = bob.read_text_containing("hello over tls");
  REQUIRE(received.has_value());
  CHECK(received->find("alice") != std::string::npos);
  // A ping is answered through the same writer.
  bob.send_raw(client_frame(0x9, "tls-ping"));
  std::optional<server_frame> pong;
  while ((pong = bob.read_frame()) && pong->opcode != 0xA) {
  }
  REQUIRE(pong.has_value());
  CHECK(pong->payload == "tls-ping");
  // And the closing handshake completes.
  alice.send_raw(client_frame(0x8, std::string("\x03\xe8", 2)));
  std::optional<server_frame> close;
  while ((close = alice.read_frame()) && close->opcode != 0x8) {
  }
  REQUIRE(close.has_value());
  CHECK(close->close_code() == 1000);
}

TEST_CASE("a missing or invalid certificate makes listen() throw a sentence naming the file") {
  const std::string missing = tls_error_of("/nonexistent/cert.pem", "/nonexistent/key.pem");
  INFO(missing);
  CHECK(missing.rfind("cannot load TLS certificate /nonexistent/cert.pem: ", 0) == 0);
  CHECK(missing.size() > std::string("cannot load TLS certificate /nonexistent/cert.pem: ").size());

  self_signed_certificate certificate;
  const std::string garbage = certificate.dir() + "/garbage.pem";
  std::ofstream(garbage) << "not a certificate\n";
  const std::string invalid = tls_error_of(garbage, certificate.key_file());
  INFO(invalid);
  CHECK(invalid.rfind("cannot load TLS certificate " + garbage + ": ", 0) == 0);

  CHECK(tls_error_of(certificate.cert_file(), "").find("both a certificate and a private key") !=
        std::string::npos);
}

TEST_CASE("a plain-HTTP client on the TLS port is dropped; the server goes on serving") {
  self_signed_certificate certificate;
  test_server server(
      [&](auto& o) {
        o.tls.cert_file = certificate.cert_file();
        o.tls.key_file = certificate.key_file();
      },
      [](whisper::request&&, net::http_responder respond) { respond(net::http_response{}); });
  ws_test_client plain(server.port());
  plain.send_raw("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
  CHECK(plain.wait_disconnected());
  CHECK(server.server().stats().tls_handshake_failed == 1);
  CHECK(server.server().stats().http_requests == 0);
  tls_test_client client(server.port(), certificate.cert_file());
  CHECK(client.request("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").status == 200);
}

TEST_CASE("over max_connections_per_ip a TLS port closes without a plain-text 429") {
  self_signed_certificate certificate;
  test_server server(
      [&](auto& o) {
        o.tls.cert_file = certificate.cert_file();
        o.tls.key_file = certificate.key_file();
        o.limits.max_connections_per_ip = 1;
      },
      [](whisper::request&&, net::http_responder respond) { respond(net::http_response{}); });
  tls_test_client first(server.port(), certificate.cert_file());
  CHECK(first.request("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").status == 200);
  ws_test_client second(server.port());
  CHECK_FALSE(second.read_reply(2s).has_value());  // nothing readable is said before TLS
  CHECK(second.wait_disconnected());
  CHECK(server.server().stats().refused_ip_limit == 1);
}

TEST_CASE("a TLS client that never completes its handshake is dropped after handshake_timeout") {
  self_signed_certificate certificate;
  test_server server([&](auto& o) {
    o.tls.cert_file = certificate.cert_file();
    o.tls.key_file = certificate.key_file();
    o.limits.handshake_timeout = std::chrono::seconds(1);
  });
  ws_test_client silent(server.port());  // connects, never says hello
  CHECK(silent.wait_disconnected(4s));
}

#endif
