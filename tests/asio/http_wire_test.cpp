#include "http_wire.hpp"

#include <doctest/doctest.h>

#include <string>

namespace net = whisper::net;

TEST_CASE("wire: Sec-WebSocket-Accept matches the RFC 6455 example") {
  CHECK(net::websocket_accept_key("dGhlIHNhbXBsZSBub25jZQ==") == "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
}

TEST_CASE("wire: the Date header is an IMF-fixdate") {
  CHECK(net::http_date(784111777) == "Sun, 06 Nov 1994 08:49:37 GMT");
}

TEST_CASE("wire: a response gets Content-Length, Connection, Date and Server") {
  net::http_response response;
  response.status = 302;
  response.headers = {
      {"Location", "/"}, {"Set-Cookie", "a=1"}, {"Set-Cookie", "b=2"}, {"Content-Length", "999"}};
  response.body = "moved";
  const std::string text = net::serialize_response(response, true, false, 784111777);
  CHECK(text.rfind("HTTP/1.1 302 Found\r\n", 0) == 0);
  CHECK(text.find("Set-Cookie: a=1\r\nSet-Cookie: b=2\r\n") != std::string::npos);
  CHECK(text.find("Content-Length: 5\r\n") != std::string::npos);
  CHECK(text.find("999") == std::string::npos);
  CHECK(text.find("Connection: keep-alive\r\n") != std::string::npos);
  CHECK(text.find("Date: Sun, 06 Nov 1994 08:49:37 GMT\r\n") != std::string::npos);
  CHECK(text.find("Server: whisper\r\n") != std::string::npos);
  CHECK(text.substr(text.size() - 9) == "\r\n\r\nmoved");
}

TEST_CASE("wire: the Server header names the product without a version") {
  const std::string text = net::serialize_response(net::http_response{}, true, false, 0);
  CHECK(text.find("\r\nServer: whisper\r\n") != std::string::npos);
  CHECK(text.find("whisper/") == std::string::npos);
}

TEST_CASE("wire: HEAD answers keep the length but omit the body; close is announced") {
  net::http_response response;
  response.body = "hello";
  const std::string text = net::serialize_response(response, false, true, 0);
  CHECK(text.find("Content-Length: 5\r\n") != std::string::npos);
  CHECK(text.find("Connection: close\r\n") != std::string::npos);
  CHECK(text.substr(text.size() - 4) == "\r\n\r\n");
}

TEST_CASE("wire: a header value with a line break is not written") {
  net::http_response response;
  response.headers = {{"Location", "/x\r\nSet-Cookie: evil=1"}};
  CHECK(net::serialize_response(response, true, false, 0).find("evil") == std::string::npos);
}

TEST_CASE("wire: header tokens are matched in comma lists, case-insensitively") {
  CHECK(net::header_has_token("keep-alive, Upgrade", "upgrade"));
  CHECK(net::header_has_token("websocket", "websocket"));
  CHECK_FALSE(net::header_has_token("upgraded", "upgrade"));
  CHECK_FALSE(net::header_has_token("", "upgrade"));
}

TEST_CASE("wire: a target splits into path and raw query") {
  std::string path, query;
  net::split_target("/accounts/login/?next=/&a=b", path, query);
  CHECK(path == "/accounts/login/");
  CHECK(query == "next=/&a=b");
  net::split_target("/chat/stream/", path, query);
  CHECK(path == "/chat/stream/");
  CHECK(query.empty());
}

TEST_CASE("wire: Cookie headers joined with \", \" become one \"; \"-separated list again") {
  CHECK(net::unmerge_cookie_header("a=1; b=2") == "a=1; b=2");
  CHECK(net::unmerge_cookie_header("a=1; b=2, sessionid=xyz") == "a=1; b=2; sessionid=xyz");
  CHECK(net::unmerge_cookie_header(" a=1 ,b=2;; ") == "a=1; b=2");
  CHECK(net::unmerge_cookie_header("").empty());
}
