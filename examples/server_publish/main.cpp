// Server-side publish: your application (a cron job, an HTTP webhook, a moderation
// tool) posts a message or a notice into a room without being a participant.
// msg_type 1/2/3 (WARNING, ALERT, MUTED) are notices a plain client cannot send.
#include <cstring>
#include <iostream>
#include <string>
#include <vector>
#include <whisper/whisper.hpp>

namespace {
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
  whisper::in_process_channel_layer layer;
  whisper::memory_room_directory rooms;
  whisper::memory_presence presence;
  whisper::chat_hub hub(layer, rooms, presence);
  const auto ops = rooms.create("Operations", true);

  auto conn = std::make_shared<recording_connection>();
  auto carol = hub.connect(conn, whisper::user{7, "carol", "Carol", true, true});
  carol->on_text(R"({"command":"join","room":)" + std::to_string(ops.id) + "}");

  // The application publishes; every member in every process receives it.
  hub.publish(ops.id, whisper::msg_type::alert, "deploy-bot", "Deploy of v2.3 starts in 5 minutes");
  hub.publish(ops.id, whisper::msg_type::message, "deploy-bot", "Deploy finished");
  const bool missing_room = hub.publish(9999, whisper::msg_type::warning, "x", "nobody hears this");
  carol->on_close();

  for (const auto& f : conn->frames) std::cout << "carol <- " << f << '\n';
  if (!self_test) return 0;
  const std::string alert =
      R"({"msg_type":2,"room":1,"username":"deploy-bot","message":"Deploy of v2.3 starts in 5 minutes"})";
  bool saw_alert = false;
  for (const auto& f : conn->frames) saw_alert = saw_alert || f == alert;
  const bool ok = saw_alert && !missing_room && conn->frames.size() == 3;  // join reply + 2
  std::cout << (ok ? "self-test passed" : "self-test FAILED") << '\n';
  return ok ? 0 : 1;
}
