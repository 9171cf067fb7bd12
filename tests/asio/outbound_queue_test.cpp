// The bounded outbound queue: bounds by bytes and frames, order, and the accounting of
// taken-but-unwritten bytes.
#include "outbound_queue.hpp"

#include <doctest/doctest.h>

using namespace whisper;
using whisper::net::outbound_queue;
using result = outbound_queue::push_result;

TEST_CASE("the first push into an empty queue asks for a write, later ones do not") {
  outbound_queue q(1024, 16);
  CHECK(q.push(make_payload("a")) == result::queued_first);
  CHECK(q.push(make_payload("b")) == result::queued);
  CHECK_FALSE(q.empty());
}

TEST_CASE("take hands over every item in order with its kind") {
  outbound_queue q(1024, 16);
  q.push(make_payload("one"), 1);
  q.push(make_payload("two"), 2);
  std::vector<outbound_queue::item> batch;
  CHECK(q.take(batch) == 2);
  REQUIRE(batch.size() == 2);
  CHECK(*batch[0].payload == "one");
  CHECK(batch[0].kind == 1);
  CHECK(*batch[1].payload == "two");
  CHECK(batch[1].kind == 2);
  CHECK(q.empty());
  CHECK(q.take(batch) == 0);
}

TEST_CASE("a push past the byte bound is refused and nothing is queued") {
  outbound_queue q(10, 100);
  CHECK(q.push(make_payload("12345678")) == result::queued_first);
  CHECK(q.push(make_payload("123")) == result::full);
  CHECK(q.push(make_payload("12")) == result::queued);  // exactly at the bound is fine
  CHECK(q.push(make_payload("1")) == result::full);     // and now it is at the bound
}

TEST_CASE("a push past the frame bound is refused") {
  outbound_queue q(1 << 20, 2);
  CHECK(q.push(make_payload("a")) != result::full);
  CHECK(q.push(make_payload("b")) != result::full);
  CHECK(q.push(make_payload("c")) == result::full);
}

TEST_CASE("taken bytes count against the bound until released") {
  outbound_queue q(10, 100);
  q.push(make_payload("12345678"));
  std::vector<outbound_queue::item> batch;
  q.take(batch);
  CHECK(q.empty());
  CHECK(q.push(make_payload("123")) == result::full);  // the write is still in flight
  q.release(8);
  CHECK(q.push(make_payload("123")) == result::queued_first);
}

TEST_CASE("release never goes below zero") {
  outbound_queue q(10, 100);
  q.push(make_payload("abc"));
  q.release(100);
  // Had the count wrapped to a huge number, every bounded push would now be full.
  CHECK(q.push(make_payload("1234567")) == result::queued);
  CHECK(q.push(make_payload("1234")) == result::full);  // 7 counted: 4 more pass the bound
}

TEST_CASE("control frames pass the bound with push_unbounded") {
  outbound_queue q(4, 1);
  CHECK(q.push(make_payload("1234")) == result::queued_first);
  CHECK(q.push(make_payload("x")) == result::full);
  CHECK(q.push_unbounded(make_payload("close"), 8) == result::queued);
  std::vector<outbound_queue::item> batch;
  CHECK(q.take(batch) == 2);
}

TEST_CASE("a closed queue refuses every push but still hands over what it holds") {
  outbound_queue q(100, 100);
  q.push(make_payload("kept"));
  q.close();
  CHECK(q.closed());
  CHECK(q.push(make_payload("x")) == result::closed);
  CHECK(q.push_unbounded(make_payload("x"), 0) == result::closed);
  std::vector<outbound_queue::item> batch;
  CHECK(q.take(batch) == 1);
  CHECK(*batch[0].payload == "kept");
}
