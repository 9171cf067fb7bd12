// The in-process channel layer: names, groups, delivery and removal.
#include <doctest/doctest.h>

#include <atomic>
#include <functional>
#include <set>

#include "whisper/in_process_channel_layer.hpp"

using namespace whisper;

namespace {

// Records what it receives; optionally runs a hook inside deliver() (re-entrancy tests).
struct recorder final : channel {
  std::vector<event_ptr> got;
  std::function<void()> on_deliver;
  void deliver(const event_ptr& e) override {
    got.push_back(e);
    if (on_deliver) on_deliver();
  }
};

event_ptr an_event() {
  return make_message_event(1, msg_type::message, "a", "hi");
}

}  // namespace

TEST_CASE("every channel gets a unique local name") {
  in_process_channel_layer layer;
  std::set<std::string> names;
  for (int i = 0; i < 100; ++i) names.insert(layer.add_channel(std::make_shared<recorder>()));
  CHECK(names.size() == 100);
  CHECK(names.begin()->rfind("local!", 0) == 0);
}

TEST_CASE("group_send reaches every member once, and only members") {
  in_process_channel_layer layer;
  auto a = std::make_shared<recorder>();
  auto b = std::make_shared<recorder>();
  auto outsider = std::make_shared<recorder>();
  const auto na = layer.add_channel(a);
  const auto nb = layer.add_channel(b);
  layer.add_channel(outsider);
  layer.group_add("g", na);
  layer.group_add("g", nb);
  layer.group_add("g", na);  // idempotent
  CHECK(layer.group_size("g") == 2);
  event_ptr e = an_event();
  layer.group_send("g", e);
  REQUIRE(a->got.size() == 1);
  REQUIRE(b->got.size() == 1);
  CHECK(a->got[0].get() == e.get());  // the same event object, not a copy
  CHECK(outsider->got.empty());
}

TEST_CASE("group_discard stops delivery and an empty group disappears") {
  in_process_channel_layer layer;
  auto a = std::make_shared<recorder>();
  const auto na = layer.add_channel(a);
  layer.group_add("g", na);
  layer.group_discard("g", na);
  layer.group_discard("g", na);  // no-op when absent
  CHECK(layer.group_size("g") == 0);
  layer.group_send("g", an_event());
  CHECK(a->got.empty());
}

TEST_CASE("remove_channel discards the channel from every group and send finds it no more") {
  in_process_channel_layer layer;
  auto a = std::make_shared<recorder>();
  auto b = std::make_shared<recorder>();
  const auto na = layer.add_channel(a);
  const auto nb = layer.add_channel(b);
  for (const char* g : {"g1", "g2", "g3"}) layer.group_add(g, na);
  layer.group_add("g1", nb);
  layer.remove_channel(na);
  CHECK(layer.group_size("g1") == 1);
  CHECK(layer.group_size("g2") == 0);
  CHECK(layer.group_size("g3") == 0);
  layer.send(na, an_event());
  layer.group_send("g2", an_event());
  CHECK(a->got.empty());
  layer.group_add("g1", na);  // a removed channel cannot be added back
  CHECK(layer.group_size("g1") == 1);
}

TEST_CASE("send delivers to one channel") {
  in_process_channel_layer layer;
  auto a = std::make_shared<recorder>();
  auto b = std::make_shared<recorder>();
  const auto na = layer.add_channel(a);
  layer.add_channel(b);
  layer.send(na, an_event());
  layer.send("local!nope", an_event());
  CHECK(a->got.size() == 1);
  CHECK(b->got.empty());
}

TEST_CASE("only the exact name the layer made reaches a channel") {
  in_process_channel_layer layer;
  auto a = std::make_shared<recorder>();
  const auto na = layer.add_channel(a);
  REQUIRE(na == "local!1");
  for (const char* other : {"local!01", "local!1x", "local!", "local!+1", "xlocal!1", "remote!1",
                            "local!18446744073709551617"}) {
    layer.send(other, an_event());
    layer.group_add("g", other);
    layer.remove_channel(other);
  }
  CHECK(a->got.empty());
  CHECK(layer.group_size("g") == 0);
  layer.send(na, an_event());  // still registered
  CHECK(a->got.size() == 1);
}

TEST_CASE("a receiver may change groups from inside deliver without deadlock") {
  in_process_channel_layer layer;
  auto a = std::make_shared<recorder>();
  auto b = std::make_shared<recorder>();
  const auto na = layer.add_channel(a);
  const auto nb = layer.add_channel(b);
  layer.group_add("g", na);
  layer.group_add("g", nb);
  // a leaves and removes b while the broadcast is running: the snapshot still holds b.
  a->on_deliver = [&] {
    layer.group_discard("g", na);
    layer.remove_channel(nb);
  };
  layer.group_send("g", an_event());
  CHECK(a->got.size() == 1);
  CHECK(b->got.size() == 1);
  CHECK(layer.group_size("g") == 0);
  layer.group_send("g", an_event());
  CHECK(a->got.size() == 1);
}

TEST_CASE("the layer keeps a receiver alive until remove_channel") {
  in_process_channel_layer layer;
  auto a = std::make_shared<recorder>();
  std::weak_ptr<recorder> watch = a;
  const auto na = layer.add_channel(std::move(a));
  CHECK_FALSE(watch.expired());
  layer.remove_channel(na);
  CHECK(watch.expired());
}
