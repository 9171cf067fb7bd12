// A chat hub on the in-process layer with in-memory stores, and helpers to connect
// users through fake connections and talk the wire protocol.
#pragma once

#include <atomic>
#include <boost/json/serialize.hpp>
#include <chrono>
#include <memory>
#include <string>

#include "support/fake_connection.hpp"
#include "whisper/whisper.hpp"

namespace whisper::testing {

/// One connected client: its fake connection and its consumer.
struct client {
  std::shared_ptr<fake_connection> conn;
  std::shared_ptr<consumer> session;

  void text(const std::string& frame) const { session->on_text(frame); }
  std::vector<boost::json::object> take() const { return conn->take_json(); }
  /// The single frame received since the last take (fails the test otherwise).
  boost::json::object take_one() const;
};

inline boost::json::object client::take_one() const {
  auto frames = take();
  if (frames.size() != 1) {
    std::string all;
    for (const auto& f : frames) all += boost::json::serialize(f) + "\n";
    throw std::runtime_error("expected one frame, got " + std::to_string(frames.size()) + ":\n" +
                             all);
  }
  return frames.front();
}

/// Thread safety: configure on one thread; connect() and the clients may then be used
/// from any thread.
struct chat_fixture {
  in_process_channel_layer layer;
  memory_room_directory rooms;
  std::chrono::system_clock::time_point wall_now{std::chrono::hours(480000)};
  std::chrono::steady_clock::time_point steady{std::chrono::hours(1)};
  memory_presence presence{std::chrono::seconds(3600), [this] { return wall_now; }};
  std::unique_ptr<chat_hub> hub;
  room lobby;
  room staff_room;
  room other;

  /// `steady_clock_injected`: the hub reads `steady` (tests move it) instead of real time.
  explicit chat_fixture(hub_options options = {}, bool steady_clock_injected = true) {
    if (steady_clock_injected) options.steady_now = [this] { return steady; };
    hub = std::make_unique<chat_hub>(layer, rooms, presence, std::move(options));
    lobby = rooms.create("Lobby", false);
    staff_room = rooms.create("Staff only", true);
    other = rooms.create("Other", false);
  }

  /// `session`: the login session's tag the connection rides on (empty: none).
  client connect(const std::string& username, bool staff = false, user_id id = 0,
                 const std::string& session = {}) {
    user u;
    u.id = id != 0 ? id : next_id_++;
    u.username = username;
    u.name = username + " N.";
    u.is_staff = staff;
    auto conn = std::make_shared<fake_connection>();
    auto consumer = hub->connect(conn, u, session);
    return client{conn, consumer};
  }

  /// Connects and joins a room, discarding the join reply and notices.
  client joined(const std::string& username, room_id room, bool staff = false) {
    client c = connect(username, staff);
    c.text(join_frame(room));
    c.take();
    return c;
  }

  static std::string join_frame(room_id room) {
    return R"({"command":"join","room":)" + std::to_string(room) + "}";
  }
  static std::string leave_frame(room_id room) {
    return R"({"command":"leave","room":)" + std::to_string(room) + "}";
  }
  static std::string send_frame(room_id room, const std::string& message) {
    boost::json::object o;
    o["command"] = "send";
    o["room"] = room;
    o["message"] = message;
    return boost::json::serialize(o);
  }

 private:
  std::atomic<user_id> next_id_{1};  // connect() may run on several threads
};

}  // namespace whisper::testing
