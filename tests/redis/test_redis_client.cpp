// The hiredis <-> Asio adapter and the connection on top of it, against a real Redis.
#include <doctest/doctest.h>
#include <hiredis/hiredis.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <asio/post.hpp>
#include <future>

#include "redis_client.hpp"
#include "redis_probe.hpp"
#include "redis_server_fixture.hpp"
#include "test_support.hpp"

using namespace whisper;
using namespace whisper::redis_detail;
using namespace std::chrono_literals;

namespace {

// Connects a client on the strand and returns the connect result ("" = connected).
std::string connect_client(strand_type strand, const std::shared_ptr<redis_client>& client) {
  auto result = std::make_shared<std::promise<std::string>>();
  auto f = result->get_future();
  asio::post(strand, [client, result] {
    client->connect([result](const std::string& e) { result->set_value(e); }, nullptr);
  });
  REQUIRE(f.wait_for(10s) == std::future_status::ready);
  return f.get();
}

void close_client(strand_type strand, std::shared_ptr<redis_client> client) {
  std::promise<void> done;
  asio::post(strand, [&] {
    client->close();
    client.reset();
    done.set_value();
  });
  REQUIRE(done.get_future().wait_for(5s) == std::future_status::ready);
}

}  // namespace

TEST_CASE("commands round-trip through the Asio-driven hiredis connection") {
  test::redis_server redis;
  test::io_thread loop;
  auto strand = asio::make_strand(loop.io());
  auto client = std::make_shared<redis_client>(strand, parse_redis_url(redis.url()), 2000ms);
  REQUIRE(connect_client(strand, client).empty());

  // Many pipelined commands: every reply arrives, in order.
  std::promise<std::vector<std::string>> replies;
  asio::post(strand, [&] {
    auto got = std::make_shared<std::vector<std::string>>();
    for (int i = 0; i < 200; ++i) {
      client->command({"SET", "k" + std::to_string(i), std::string(1000, 'x')}, nullptr);
    }
    client->command({"GET", "k199"}, [&, got](const redisReply* r) {
      got->push_back(r ? std::string(r->str, r->len) : "null");
      client->command({"INCRBY", "n", "41"}, [&, got](const redisReply* r2) {
        got->push_back(r2 ? std::to_string(r2->integer) : "null");
        replies.set_value(*got);
      });
    });
  });
  auto f = replies.get_future();
  REQUIRE(f.wait_for(5s) == std::future_status::ready);
  const auto got = f.get();
  CHECK(got == std::vector<std::string>{std::string(1000, 'x'), "41"});
  CHECK(redis.command({"GET", "k0"}).size() == 1000);
  close_client(strand, client);
}

TEST_CASE("connecting to a port nobody listens on reports the refusal") {
  test::io_thread loop;
  auto strand = asio::make_strand(loop.io());
  redis_url url;
  url.port = test::free_loopback_port();
  auto client = std::make_shared<redis_client>(strand, url, 2000ms);
  const auto error = connect_client(strand, client);
  CHECK(error.find("refused") != std::string::npos);
  close_client(strand, client);
  CHECK(probe_redis(url, 500ms).find("refused") != std::string::npos);
}

TEST_CASE("a listener that never answers PING times out the connect") {
  // Accepts TCP (the kernel's backlog does) but never speaks Redis.
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
  REQUIRE(::listen(fd, 4) == 0);
  REQUIRE(::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0);

  test::io_thread loop;
  auto strand = asio::make_strand(loop.io());
  redis_url url;
  url.port = ntohs(addr.sin_port);
  auto client = std::make_shared<redis_client>(strand, url, 300ms);
  const auto started = std::chrono::steady_clock::now();
  CHECK(connect_client(strand, client) == "connection timed out");
  CHECK(std::chrono::steady_clock::now() - started < 3s);
  close_client(strand, client);
  ::close(fd);
}

TEST_CASE("losing an established connection is reported once, pending replies get null") {
  test::redis_server redis;
  test::io_thread loop;
  auto strand = asio::make_strand(loop.io());
  auto client = std::make_shared<redis_client>(strand, parse_redis_url(redis.url()), 2000ms);
  std::promise<std::string> lost;
  std::promise<void> connected;
  asio::post(strand, [&] {
    client->connect([&](const std::string&) { connected.set_value(); },
                    [&](const std::string& why) { lost.set_value(why); });
  });
  REQUIRE(connected.get_future().wait_for(5s) == std::future_status::ready);
  std::promise<bool> blocked_reply;
  asio::post(strand, [&] {
    // BLPOP waits in Redis, so its reply is still pending when Redis dies.
    client->command({"BLPOP", "nothing", "0"},
                    [&](const redisReply* r) { blocked_reply.set_value(r == nullptr); });
  });
  std::this_thread::sleep_for(100ms);
  redis.kill();
  auto why = lost.get_future();
  REQUIRE(why.wait_for(5s) == std::future_status::ready);
  CHECK_FALSE(why.get().empty());
  auto pending = blocked_reply.get_future();
  REQUIRE(pending.wait_for(5s) == std::future_status::ready);
  CHECK(pending.get());
  close_client(strand, client);
}

TEST_CASE("commands and subscriptions count as waiting until Redis answers, messages do not") {
  test::redis_server redis;
  test::io_thread loop;
  auto strand = asio::make_strand(loop.io());
  auto client = std::make_shared<redis_client>(strand, parse_redis_url(redis.url()), 2000ms);
  REQUIRE(connect_client(strand, client).empty());
  // Runs `fn` on the strand and returns how many commands wait for an answer after it.
  auto waiting_after = [&](std::function<void()> fn) {
    auto result = std::make_shared<std::promise<std::size_t>>();
    auto waiting = result->get_future();
    asio::post(strand, [&client, fn, result] {
      fn();
      result->set_value(client->health().waiting());
    });
    REQUIRE(waiting.wait_for(5s) == std::future_status::ready);
    return waiting.get();
  };
  auto messages = std::make_shared<std::atomic<int>>(0);
  CHECK(waiting_after([&] {
          client->health() = connection_health(1h, 1h, connection_health::clock::now());
          client->command({"SET", "a", "1"}, nullptr);
          client->command({"SET", "b", "2"}, nullptr);
          client->set_push_handler([messages](const redisReply* r) {
            if (r->type == REDIS_REPLY_ARRAY && std::string(r->element[0]->str) == "message")
              ++*messages;
          });
          client->push_command({"SUBSCRIBE", "chan"});
        }) == 3);
  REQUIRE(test::eventually([&] { return waiting_after([] {}) == 0; }));
  CHECK(redis.command({"PUBLISH", "chan", "hello"}) == "1");
  REQUIRE(test::eventually([&] { return messages->load() == 1; }));
  CHECK(waiting_after([] {}) == 0);
  // Subscribing again to the same channel (the subscriber's health probe) is answered.
  CHECK(waiting_after([&] { client->push_command({"SUBSCRIBE", "chan"}); }) == 1);
  REQUIRE(test::eventually([&] { return waiting_after([] {}) == 0; }));
  CHECK(redis.subscribers("chan") == 1);
  close_client(strand, client);
}

TEST_CASE("closing a connection to a hung Redis fails each waiting command exactly once") {
  test::redis_server redis;
  test::io_thread loop;
  auto strand = asio::make_strand(loop.io());
  auto client = std::make_shared<redis_client>(strand, parse_redis_url(redis.url()), 2000ms);
  REQUIRE(connect_client(strand, client).empty());
  redis.pause();
  auto nulls = std::make_shared<std::atomic<int>>(0);
  auto replies = std::make_shared<std::atomic<int>>(0);
  std::promise<int> failed_during_close;
  asio::post(strand, [&] {
    for (int i = 0; i < 5; ++i) {
      client->command(
          {"PING"}, [nulls, replies](const redisReply* r) { ++*(r == nullptr ? nulls : replies); });
    }
    client->close();
    client.reset();  // the last reference: nothing of it may be reached afterwards
    failed_during_close.set_value(nulls->load());
  });
  auto during = failed_during_close.get_future();
  REQUIRE(during.wait_for(5s) == std::future_status::ready);
  CHECK(during.get() == 5);
  // Redis wakes up and answers the commands it had read: nobody is left to hear them.
  redis.resume();
  CHECK(redis.command({"PING"}) == "PONG");
  std::this_thread::sleep_for(200ms);
  CHECK(nulls->load() == 5);
  CHECK(replies->load() == 0);
}
