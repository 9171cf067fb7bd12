// Links against the installed libwhisper and runs a two-user exchange.
#include <iostream>
#include <string>
#include <vector>
#include <whisper/whisper.hpp>

// Built as C++20 with the flags of whisper.pc after -std=c++20: a -std= in the .pc file
// would silently downgrade the consumer.
#ifdef WHISPER_EXPECT_CXX20
static_assert(__cplusplus >= 202002L, "whisper.pc downgraded the language standard");
#endif

namespace {
struct recorder final : whisper::connection {
  std::vector<std::string> frames;
  whisper::queue_result queue(whisper::payload_ptr f) override {
    frames.push_back(*f);
    return whisper::queue_result::queued;
  }
  void close(int, std::string_view) override {}
};
}  // namespace

int main() {
  whisper::in_process_channel_layer layer;
  whisper::memory_room_directory rooms;
  whisper::memory_presence presence;
  whisper::chat_hub hub(layer, rooms, presence);
  rooms.create("Lobby", false);
  auto a = std::make_shared<recorder>();
  auto b = std::make_shared<recorder>();
  auto ca = hub.connect(a, {1, "ann", "", false, true});
  auto cb = hub.connect(b, {2, "ben", "", false, true});
  ca->on_text(R"({"command":"join","room":1})");
  cb->on_text(R"({"command":"join","room":1})");
  ca->on_text(R"({"command":"send","room":1,"message":"installed"})");
  const std::string want = R"({"msg_type":0,"room":1,"username":"ann","message":"installed"})";
  const bool ok = !b->frames.empty() && b->frames.back() == want;
  std::cout << "libwhisper " << whisper::version << (ok ? ": ok" : ": FAILED") << '\n';
  return ok ? 0 : 1;
}
