#include "options.hpp"

#include <doctest/doctest.h>

#include <vector>

using namespace whisper_bench;

namespace {

parse_result parse(std::vector<const char*> args) {
  args.insert(args.begin(), "whisper-bench");
  return parse_options(static_cast<int>(args.size()), args.data());
}

}  // namespace

TEST_CASE("room id lists accept single ids, ranges and both") {
  std::vector<std::int64_t> ids;
  REQUIRE(parse_id_list("1,2,5-8", ids));
  CHECK(ids == std::vector<std::int64_t>{1, 2, 5, 6, 7, 8});
  REQUIRE(parse_id_list("3", ids));
  CHECK(ids == std::vector<std::int64_t>{3});
}

TEST_CASE("malformed room id lists are refused") {
  std::vector<std::int64_t> ids;
  CHECK_FALSE(parse_id_list("", ids));
  CHECK_FALSE(parse_id_list("a", ids));
  CHECK_FALSE(parse_id_list("5-2", ids));
  CHECK_FALSE(parse_id_list("1,,2", ids));
  CHECK_FALSE(parse_id_list("1-", ids));
}

TEST_CASE("a fanout command line fills every field") {
  parse_result r =
      parse({"fanout", "--port", "9000", "--cookies", "c.txt", "--room-ids", "1-10", "-c", "1000",
             "-s", "10", "-w", "16", "--threads", "2", "-d", "10", "--warmup", "1"});
  REQUIRE(r.ok);
  CHECK(r.options.mode == mode::fanout);
  CHECK(r.options.ports == std::vector<int>{9000});
  CHECK(r.options.room_ids.size() == 10);
  CHECK(r.options.connections == 1000);
  CHECK(r.options.senders == 10);
  CHECK(r.options.window == 16);
  CHECK(r.options.threads == 2);
  CHECK(r.options.duration_s == 10.0);
  CHECK(r.options.warmup_s == 1.0);
  CHECK_FALSE(r.options.busy_poll);
  CHECK(parse({"selftest", "--busy-poll"}).options.busy_poll);
}

TEST_CASE("non-loopback targets are refused") {
  parse_result r = parse({"fanout", "--host", "10.0.0.1", "--cookies", "c", "--room-ids", "1"});
  CHECK_FALSE(r.ok);
  CHECK(r.message.find("loopback") != std::string::npos);
  CHECK_FALSE(is_loopback_ipv4("localhost"));
  CHECK(is_loopback_ipv4("127.0.0.5"));
}

TEST_CASE("modes that talk to a server need cookies and rooms; selftest needs neither") {
  CHECK_FALSE(parse({"idle", "--room-ids", "1"}).ok);
  CHECK_FALSE(parse({"connect", "--cookies", "c"}).ok);
  CHECK(parse({"selftest"}).ok);
}

TEST_CASE("more senders than connections is refused") {
  parse_result r = parse({"fanout", "--cookies", "c", "--room-ids", "1", "-c", "5", "-s", "6"});
  CHECK_FALSE(r.ok);
}

TEST_CASE("an unknown mode or option is an error with a message, not an exception") {
  parse_result r = parse({"explode"});
  CHECK_FALSE(r.ok);
  CHECK_FALSE(r.message.empty());
  CHECK_FALSE(parse({"selftest", "--no-such-option"}).ok);
}

TEST_CASE("--help is reported as help") {
  parse_result r = parse({"--help"});
  CHECK(r.help);
  CHECK(r.message.find("--window") != std::string::npos);
}

TEST_CASE("--port takes one port or a comma list of servers sharing rooms") {
  CHECK(parse({"selftest"}).options.ports == std::vector<int>{8000});
  parse_result r =
      parse({"fanout", "--port", "18080,18081", "--cookies", "c", "--room-ids", "1-10"});
  REQUIRE(r.ok);
  CHECK(r.options.ports == std::vector<int>{18080, 18081});
  std::vector<int> ports;
  CHECK_FALSE(parse_port_list("18080,", ports));
  CHECK_FALSE(parse_port_list("0", ports));
  CHECK_FALSE(parse_port_list("70000", ports));
  CHECK_FALSE(parse_port_list("80a", ports));
  CHECK_FALSE(parse({"fanout", "--port", "1,x", "--cookies", "c", "--room-ids", "1"}).ok);
}

TEST_CASE("--server-pid takes one process or a comma list") {
  parse_result r = parse({"idle", "--server-pid", "12,34", "--cookies", "c", "--room-ids", "1"});
  REQUIRE(r.ok);
  CHECK(r.options.server_pids == std::vector<int>{12, 34});
  CHECK(parse({"selftest"}).options.server_pids.empty());
  CHECK_FALSE(parse({"idle", "--server-pid", "-3", "--cookies", "c", "--room-ids", "1"}).ok);
}

TEST_CASE("the I/O mode defaults to io_uring and --io epoll selects one syscall per read") {
  parse_result plain = parse({"selftest"});
  REQUIRE(plain.ok);
  CHECK(plain.options.io == io_mode::uring);
  parse_result epoll = parse({"selftest", "--io", "epoll"});
  REQUIRE(epoll.ok);
  CHECK(epoll.options.io == io_mode::epoll);
  CHECK_FALSE(parse({"selftest", "--io", "aio"}).ok);
}
