// Real whisper::chat_hub hubs on two Redis layers (two processes): users on different
// processes share rooms through Redis, exactly as through the wire protocol.
#include <doctest/doctest.h>

#include <boost/json.hpp>
#include <condition_variable>
#include <future>

#include "layer_pair.hpp"
#include "whisper/redis_presence.hpp"
#include "whisper/whisper.hpp"

using namespace whisper;
using namespace std::chrono_literals;

namespace {

// A transport stand-in that records every frame (thread-safe: deliveries of remote
// events come from the io_context's thread).
class recording_connection final : public connection {
 public:
  queue_result queue(payload_ptr frame) override {
    std::lock_guard lock(mutex_);
    frames_.push_back(boost::json::parse(*frame).as_object());
    changed_.notify_all();
    return queue_result::queued;
  }
  void close(int code, std::string_view) override {
    std::lock_guard lock(mutex_);
    close_code_ = code;
    changed_.notify_all();
  }
  /// Waits (bounded) until the hub asked to close this connection; its close code or 0.
  int wait_closed() {
    std::unique_lock lock(mutex_);
    changed_.wait_for(lock, 5s, [&] { return close_code_ != 0; });
    return close_code_;
  }

  /// Waits for a frame matching `match` (bounded) and returns it.
  std::optional<boost::json::object> wait_for(
      const std::function<bool(const boost::json::object&)>& match) {
    std::unique_lock lock(mutex_);
    std::optional<boost::json::object> found;
    changed_.wait_for(lock, 5s, [&] {
      for (const auto& f : frames_) {
        if (match(f)) {
          found = f;
          return true;
        }
      }
      return false;
    });
    return found;
  }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<boost::json::object> frames_;
  int close_code_ = 0;
};

// One whisper process: a Redis layer, Redis presence and a chat hub.
struct process {
  process(asio::io_context& io, const redis_options& options, room_directory& rooms)
      : layer(io, options), presence(io, options), hub(layer, rooms, presence) {
    layer.start();
    presence.start();
  }
  ~process() {
    layer.stop();
    presence.stop();
  }
  std::pair<std::shared_ptr<recording_connection>, std::shared_ptr<consumer>> connect(
      user_id id, const std::string& name, bool staff = false) {
    auto conn = std::make_shared<recording_connection>();
    return {conn, hub.connect(conn, user{id, name, name + " N.", staff, true})};
  }
  redis_channel_layer layer;
  redis_presence presence;
  chat_hub hub;
};

std::string cmd(const std::string& command, room_id room, const std::string& extra = "") {
  return R"({"command":")" + command + R"(","room":)" + std::to_string(room) + extra + "}";
}

auto chat_frame(int kind, room_id room, const std::string& user, const std::string& text = "") {
  return [=](const boost::json::object& f) {
    auto* type = f.if_contains("msg_type");
    auto* message = f.if_contains("message");
    return type && type->as_int64() == kind && f.at("room").as_int64() == room &&
           f.at("username").as_string() == user &&
           (text.empty() || (message && message->as_string() == text));
  };
}

}  // namespace

TEST_CASE("two users on different processes in one room see each other's messages") {
  test::redis_server redis;
  test::io_thread loop_a, loop_b;
  memory_room_directory rooms;  // the shared database
  const auto lobby = rooms.create("Lobby", false);
  const auto staff_room = rooms.create("Staff", true);
  process a(loop_a.io(), test::fast_options(redis), rooms);
  process b(loop_b.io(), test::fast_options(redis), rooms);
  const auto group = "t:group:" + group_name(lobby.id);

  auto [alice_conn, alice] = a.connect(1, "alice");
  alice->on_text(cmd("join", lobby.id));
  REQUIRE(alice_conn->wait_for([](auto& f) { return f.contains("join"); }));
  REQUIRE(test::eventually([&] { return redis.subscribers(group) == 1; }));

  auto [bob_conn, bob] = b.connect(2, "bob");
  bob->on_text(cmd("join", lobby.id));
  CHECK(alice_conn->wait_for(chat_frame(4, lobby.id, "bob")));  // ENTER, across processes
  REQUIRE(test::eventually([&] { return redis.subscribers(group) == 2; }));

  bob->on_text(cmd("send", lobby.id, R"(,"message":"hi from B")"));
  CHECK(bob_conn->wait_for(chat_frame(0, lobby.id, "bob", "hi from B")));
  CHECK(alice_conn->wait_for(chat_frame(0, lobby.id, "bob", "hi from B")));
  alice->on_text(cmd("send", lobby.id, R"(,"message":"hello from A")"));
  CHECK(bob_conn->wait_for(chat_frame(0, lobby.id, "alice", "hello from A")));

  // Presence spans both processes.
  bob->on_text(cmd("room_users", lobby.id));
  auto users = bob_conn->wait_for([](auto& f) { return f.contains("type"); });
  REQUIRE(users);
  const auto& listed = users->at("data").at("users").as_object();
  CHECK(listed.contains("1"));
  CHECK(listed.contains("2"));

  // The staff-only rule still holds on every process.
  bob->on_text(cmd("join", staff_room.id));
  CHECK(bob_conn->wait_for([](auto& f) {
    auto* e = f.if_contains("error");
    return e && e->as_string() == "ROOM_ACCESS_DENIED";
  }));

  // Bob disconnects: alice, on the other process, is told he left.
  bob->on_close();
  CHECK(alice_conn->wait_for(chat_frame(5, lobby.id, "bob")));
  REQUIRE(test::eventually([&] { return redis.subscribers(group) == 1; }));
  alice->on_close();
}

TEST_CASE("a server-side publish and a user disconnect reach every process") {
  test::redis_server redis;
  test::io_thread loop_a, loop_b;
  memory_room_directory rooms;
  const auto lobby = rooms.create("Lobby", false);
  process a(loop_a.io(), test::fast_options(redis), rooms);
  process b(loop_b.io(), test::fast_options(redis), rooms);

  auto [carol_conn, carol] = b.connect(3, "carol");
  carol->on_text(cmd("join", lobby.id));
  REQUIRE(
      test::eventually([&] { return redis.subscribers("t:group:" + group_name(lobby.id)) == 1; }));
  REQUIRE(
      test::eventually([&] { return redis.subscribers("t:group:" + user_group_name(3)) == 1; }));

  CHECK(a.hub.publish(lobby.id, msg_type::alert, "ops", "maintenance at noon"));
  CHECK(carol_conn->wait_for(chat_frame(2, lobby.id, "ops", "maintenance at noon")));
  a.hub.disconnect_user(3, 1008, "account disabled");
  CHECK(carol_conn->wait_closed() == 1008);
  carol->on_close();
}
