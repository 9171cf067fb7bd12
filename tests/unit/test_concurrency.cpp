// Many threads on one hub at once: each thread drives its own consumers (the transport
// contract: one thread at a time per consumer) through joins, sends, leaves and
// disconnects while the others broadcast to them. Run under ThreadSanitizer too.
#include <doctest/doctest.h>

#include <atomic>
#include <map>
#include <random>
#include <thread>

#include "support/chat_fixture.hpp"

using namespace whisper;
using namespace whisper::testing;
namespace json = boost::json;

namespace {

constexpr int thread_count = 4;
constexpr int consumers_per_thread = 6;
constexpr int steps_per_thread = 3000;

// One consumer's life as its thread saw it.
struct record {
  client c;
  std::string username;
  int sent = 0;  // sends made while joined (each must come back to the sender)
};

// Drives this thread's consumers at random; returns every consumer it ever made.
std::vector<record> drive(chat_fixture& f, int thread_index, std::atomic<int>& names,
                          const std::atomic<bool>& go) {
  // Start together so the threads really overlap (bounded: threads start within ms).
  while (!go.load()) std::this_thread::yield();
  std::mt19937 rng(static_cast<unsigned>(1234 + thread_index));
  const std::vector<room_id> rooms{f.lobby.id, f.other.id, f.staff_room.id};
  std::vector<record> all;
  std::vector<std::size_t> live;  // indexes into `all`
  auto open = [&] {
    const std::string name = "u" + std::to_string(names.fetch_add(1));
    all.push_back(record{f.connect(name, true), name, 0});
    live.push_back(all.size() - 1);
  };
  for (int i = 0; i < consumers_per_thread; ++i) open();

  for (int step = 0; step < steps_per_thread; ++step) {
    const std::size_t slot = rng() % live.size();
    record& r = all[live[slot]];
    const room_id room = rooms[rng() % rooms.size()];
    switch (rng() % 10) {
      case 0:
      case 1:
        r.c.text(chat_fixture::join_frame(room));
        break;
      case 2:
        r.c.text(chat_fixture::leave_frame(room));
        break;
      case 3:  // disconnect and come back as a new connection
        r.c.session->on_close();
        live.erase(live.begin() + static_cast<std::ptrdiff_t>(slot));
        open();
        break;
      case 4:
        r.c.text(R"({"command":"room_users","room":)" + std::to_string(room) + "}");
        break;
      default:
        if (r.c.session->joined(room)) {
          r.c.text(chat_fixture::send_frame(room, r.username + ":" + std::to_string(r.sent)));
          ++r.sent;
        }
        break;
    }
  }
  for (std::size_t index : live) all[index].c.session->on_close();
  return all;
}

}  // namespace

TEST_CASE("concurrent joins, sends, leaves and disconnects keep every invariant") {
  hub_options options;
  options.limits.commands_per_second = 0;  // the test measures the core, not the limiter
  chat_fixture f(options, false);
  std::atomic<int> names{0};
  std::vector<std::vector<record>> results(thread_count);
  std::atomic<bool> publishing{true};
  std::atomic<int> published{0};
  std::atomic<bool> go{false};

  std::vector<std::thread> threads;
  for (int t = 0; t < thread_count; ++t) {
    threads.emplace_back([&, t] { results[t] = drive(f, t, names, go); });
  }
  go = true;
  // The server side publishes at the same time (bounded).
  std::thread publisher([&] {
    for (int i = 0; i < 2000 && publishing; ++i) {
      if (f.hub->publish(f.lobby.id, msg_type::alert, "server", std::to_string(i))) ++published;
      if (i % 16 == 0) std::this_thread::yield();
    }
  });
  for (auto& t : threads) t.join();
  publishing = false;
  publisher.join();

  // Every connection closed and left every group.
  CHECK(f.hub->open_connections() == 0);
  for (room_id room : {f.lobby.id, f.other.id, f.staff_room.id}) {
    CHECK(f.layer.group_size(group_name(room)) == 0);
  }
  int total_sent = 0;
  std::size_t total_received = 0;
  for (const auto& per_thread : results) {
    for (const record& r : per_thread) {
      CHECK(r.c.session->rooms().empty());
      CHECK(f.layer.group_size(user_group_name(r.c.session->user().id)) == 0);
      total_sent += r.sent;
      // Each frame is JSON; each sender's own messages came back once and in order, and
      // every other sender's messages arrived in that sender's order.
      std::map<std::string, int> next_from;
      int own_echoes = 0;
      for (const std::string& text : r.c.conn->take_texts()) {
        const json::object frame = json::parse(text).as_object();
        if (!frame.contains("msg_type") || frame.at("msg_type") != 0) continue;
        ++total_received;
        const std::string message(frame.at("message").as_string());
        const std::string from = message.substr(0, message.find(':'));
        const int seq = std::stoi(message.substr(message.find(':') + 1));
        CHECK(seq >= next_from[from]);
        next_from[from] = seq + 1;
        if (from == r.username) ++own_echoes;
      }
      CHECK(own_echoes == r.sent);
    }
  }
  CHECK(f.hub->stats().messages_in == static_cast<std::uint64_t>(total_sent));
  CHECK(total_received >= static_cast<std::size_t>(total_sent));
  CHECK(total_sent > 0);
}

TEST_CASE("rooms deleted while users join and talk in them leave no member behind") {
  hub_options options;
  options.limits.commands_per_second = 0;
  chat_fixture f(options, false);
  constexpr int rooms_to_delete = 300;
  constexpr int joiner_threads = 2;
  constexpr int consumers_each = 4;
  std::atomic<room_id> current{0};
  std::atomic<bool> done{false};
  std::vector<room_id> created;

  std::vector<std::vector<client>> clients(joiner_threads);
  for (auto& per_thread : clients) {
    for (int i = 0; i < consumers_each; ++i) per_thread.push_back(f.connect("u"));
  }
  std::vector<std::thread> joiners;
  for (int t = 0; t < joiner_threads; ++t) {
    joiners.emplace_back([&, t] {
      std::mt19937 rng(static_cast<unsigned>(99 + t));
      // Bounded both by the deleter finishing and by a step cap.
      for (int step = 0; step < 200000 && !done; ++step) {
        const client& c = clients[t][rng() % consumers_each];
        const room_id room = current.load();
        if (room == 0) continue;
        switch (rng() % 4) {
          case 0:
            c.text(chat_fixture::leave_frame(room));
            break;
          case 1:
            c.text(chat_fixture::send_frame(room, "x"));
            break;
          default:
            c.text(chat_fixture::join_frame(room));
            break;
        }
        if (step % 64 == 0) c.conn->take_texts();  // keep memory flat
      }
    });
  }
  for (int k = 0; k < rooms_to_delete; ++k) {
    const room r = f.rooms.create("temp", false);
    created.push_back(r.id);
    current = r.id;
    for (int spin = 0; spin < 200; ++spin) std::this_thread::yield();
    f.rooms.remove(r.id);  // the directory first, then tell the members (chat_hub::delete_room)
    f.hub->delete_room(r.id);
  }
  done = true;
  for (auto& t : joiners) t.join();

  // Every room is gone, so nobody may still be in one, on either side of the layer.
  for (const auto& per_thread : clients) {
    for (const client& c : per_thread) CHECK(c.session->rooms().empty());
  }
  std::size_t left_in_groups = 0;
  for (room_id room : created) left_in_groups += f.layer.group_size(group_name(room));
  CHECK(left_in_groups == 0);
  for (const auto& per_thread : clients) {
    for (const client& c : per_thread) c.session->on_close();
  }
  CHECK(f.hub->open_connections() == 0);
}

TEST_CASE("a demotion racing with joins never leaves a staff-only room held") {
  // Joiners keep (re-)joining the staff room on their own threads while the main thread
  // demotes their user; once they stop, none may still be in it: either
  // apply_user_change() saw the room, or the join's second look saw the new flags.
  hub_options options;
  options.limits.commands_per_second = 0;  // the test races joins, not the limiter
  chat_fixture f(options);
  constexpr user_id boss_id = 900;
  constexpr int joiner_count = 3;
  std::vector<client> clients;
  for (int i = 0; i < joiner_count; ++i) clients.push_back(f.connect("boss", true, boss_id));
  user boss{boss_id, "boss", "", true, true};
  std::size_t held = 0;
  for (int round = 0; round < 40; ++round) {
    boss.is_staff = true;
    f.hub->update_user(boss);
    std::atomic<bool> done{false};
    std::vector<std::thread> joiners;
    for (const client& c : clients) {
      joiners.emplace_back([&f, &done, c] {
        for (int step = 0; !done.load(); ++step) {
          c.text(step % 2 == 1 ? chat_fixture::leave_frame(f.staff_room.id)
                               : chat_fixture::join_frame(f.staff_room.id));
          if (step % 64 == 0) c.conn->take_texts();  // keep memory flat
        }
      });
    }
    for (int spin = 0; spin < 100; ++spin) std::this_thread::yield();
    boss.is_staff = false;
    f.hub->update_user(boss);
    for (int spin = 0; spin < 20; ++spin) std::this_thread::yield();
    done = true;
    for (auto& t : joiners) t.join();
    for (const client& c : clients) held += c.session->joined(f.staff_room.id) ? 1 : 0;
    held += f.layer.group_size(group_name(f.staff_room.id));
  }
  CHECK(held == 0);
  for (const client& c : clients) c.session->on_close();
}
