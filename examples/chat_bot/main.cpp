// A bot: an in-process participant. It is a consumer like any browser's, but its
// "connection" is a few lines of C++ that read the frames the room sends it and answer
// commands ("!help", "!time", "!echo <text>") by sending a chat message back.
//
// The bot never answers inside send(): send() is called during another consumer's
// broadcast, so the bot posts its reply to its own io_context, as a transport would.
#include <asio.hpp>
#include <boost/json.hpp>
#include <chrono>
#include <cstring>
#include <ctime>
#include <iostream>
#include <string>
#include <vector>
#include <whisper/whisper.hpp>

namespace {

class bot_connection final : public whisper::connection {
 public:
  explicit bot_connection(asio::io_context& io) : io_(io) {}
  void attach(const std::shared_ptr<whisper::consumer>& self) { self_ = self; }

  whisper::queue_result queue(whisper::payload_ptr frame) override {
    // Runs on whichever thread broadcast the frame: only hand it over.
    asio::post(io_, [this, frame] { on_frame(*frame); });
    return whisper::queue_result::queued;
  }
  void close(int, std::string_view) override {}

 private:
  void on_frame(const std::string& text) {
    const auto value = boost::json::parse(text);
    const auto* obj = value.if_object();
    if (!obj || !obj->contains("msg_type") || obj->at("msg_type").to_number<int>() != 0) return;
    const auto room = obj->at("room").to_number<whisper::room_id>();
    const std::string message(obj->at("message").as_string());
    if (message.rfind('!', 0) != 0) return;  // not a command
    auto self = self_.lock();
    if (self) self->say(room, answer(message));
  }

  static std::string answer(const std::string& command) {
    if (command == "!help") return "commands: !help, !time, !echo <text>";
    if (command.rfind("!echo ", 0) == 0) return command.substr(6);
    if (command == "!time") {
      const std::time_t now = std::time(nullptr);
      char buf[32];
      std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S UTC", std::gmtime(&now));
      return buf;
    }
    return "unknown command, try !help";
  }

  asio::io_context& io_;
  std::weak_ptr<whisper::consumer> self_;
};

// A person's connection that records what arrives.
class recording_connection final : public whisper::connection {
 public:
  whisper::queue_result queue(whisper::payload_ptr frame) override {
    frames.push_back(*frame);
    return whisper::queue_result::queued;
  }
  void close(int, std::string_view) override {}
  std::vector<std::string> frames;
};

}  // namespace

int main(int argc, char** argv) {
  const bool self_test = argc > 1 && std::strcmp(argv[1], "--self-test") == 0;
  asio::io_context io;

  whisper::in_process_channel_layer layer;
  whisper::memory_room_directory rooms;
  whisper::memory_presence presence;
  whisper::chat_hub hub(layer, rooms, presence);
  const auto room = rooms.create("Help desk", false);
  const std::string room_id = std::to_string(room.id);

  auto bot_conn = std::make_shared<bot_connection>(io);
  auto bot = hub.connect(bot_conn, whisper::user{100, "helpbot", "Help Bot", false, true});
  bot_conn->attach(bot);
  auto alice_conn = std::make_shared<recording_connection>();
  auto alice = hub.connect(alice_conn, whisper::user{1, "alice", "Alice", false, true});

  asio::post(io, [&] {
    bot->on_text(R"({"command":"join","room":)" + room_id + "}");
    alice->on_text(R"({"command":"join","room":)" + room_id + "}");
    alice->on_text(R"({"command":"send","room":)" + room_id + R"(,"message":"!echo hi there"})");
    alice->on_text(R"({"command":"send","room":)" + room_id + R"(,"message":"!help"})");
  });
  io.run();  // returns when the bot has answered everything queued
  alice->on_close();
  bot->on_close();

  for (const auto& f : alice_conn->frames) std::cout << "alice <- " << f << '\n';
  if (!self_test) return 0;
  const auto has = [&](std::string_view s) {
    for (const auto& f : alice_conn->frames)
      if (f.find(s) != std::string::npos) return true;
    return false;
  };
  const bool ok = has(R"("username":"helpbot","message":"hi there")") &&
                  has(R"("username":"helpbot","message":"commands: !help, !time, !echo <text>")");
  std::cout << (ok ? "self-test passed" : "self-test FAILED") << '\n';
  return ok ? 0 : 1;
}
