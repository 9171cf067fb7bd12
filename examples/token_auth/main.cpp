// The smallest embedding: your own auth callback and the in-process channel layer,
// driven from your own Asio io_context.
//
// The authenticator checks a bearer token from the query string ("?token=...") against
// the application's own user table; libwhisper never sees a password or a cookie.
// A real program gets the request from its transport; here we build two by hand and
// print what each client receives. Run with --self-test to check the output.
#include <asio.hpp>
#include <cstring>
#include <iostream>
#include <map>
#include <string>
#include <vector>
#include <whisper/whisper.hpp>

namespace {

// The application's own user table: token -> user.
const std::map<std::string, whisper::user> users_by_token = {
    {"t0k3n-alice", {1, "alice", "Alice", false, true}},
    {"t0k3n-bob", {2, "bob", "Bob", false, true}},
};

// A connection that prints what it is sent (a real one writes to a socket).
class printing_connection final : public whisper::connection {
 public:
  explicit printing_connection(std::string who, std::vector<std::string>& log)
      : who_(std::move(who)), log_(log) {}
  whisper::queue_result queue(whisper::payload_ptr frame) override {
    log_.push_back(who_ + " <- " + *frame);
    return whisper::queue_result::queued;
  }
  void close(int code, std::string_view reason) override {
    log_.push_back(who_ + " closed " + std::to_string(code) + " " + std::string(reason));
  }

 private:
  std::string who_;
  std::vector<std::string>& log_;
};

whisper::request request_with_token(const std::string& token) {
  whisper::request h;
  h.path = "/chat/stream/";
  h.query = "token=" + token;
  h.remote_address = "127.0.0.1";
  return h;
}

}  // namespace

int main(int argc, char** argv) {
  const bool self_test = argc > 1 && std::strcmp(argv[1], "--self-test") == 0;

  whisper::in_process_channel_layer layer;
  whisper::memory_room_directory rooms;
  whisper::memory_presence presence;
  whisper::chat_hub hub(layer, rooms, presence);
  const whisper::room lobby = rooms.create("Lobby", false);

  whisper::authenticator auth = [](const whisper::request& h) {
    const auto token = h.query_param("token");
    const auto found = token ? users_by_token.find(*token) : users_by_token.end();
    if (found == users_by_token.end()) return whisper::auth_result::refuse("unknown token", 401);
    return whisper::auth_result::accept(found->second);
  };

  // Everything chat-related runs on the application's io_context thread.
  asio::io_context io;
  std::vector<std::string> log;
  asio::post(io, [&] {
    const auto refused = auth(request_with_token("forged"));
    log.push_back("forged token: refused with " + std::to_string(refused.status));

    std::vector<std::shared_ptr<whisper::consumer>> clients;
    for (const char* token : {"t0k3n-alice", "t0k3n-bob"}) {
      const auto result = auth(request_with_token(token));
      auto conn = std::make_shared<printing_connection>(result.who->username, log);
      clients.push_back(hub.connect(conn, *result.who));
    }
    const std::string join = R"({"command":"join","room":)" + std::to_string(lobby.id) + "}";
    clients[0]->on_text(join);
    clients[1]->on_text(join);
    clients[0]->on_text(R"({"command":"send","room":)" + std::to_string(lobby.id) +
                        R"(,"message":"hello from alice"})");
    for (auto& c : clients) c->on_close();
  });
  io.run();

  for (const auto& line : log) std::cout << line << '\n';
  if (!self_test) return 0;
  const auto has = [&](std::string_view s) {
    for (const auto& line : log)
      if (line.find(s) != std::string::npos) return true;
    return false;
  };
  const bool ok =
      has("forged token: refused with 401") &&
      has(R"(bob <- {"msg_type":0,"room":1,"username":"alice","message":"hello from alice"})") &&
      has(R"(alice <- {"msg_type":4,"room":1,"username":"bob"})");
  std::cout << (ok ? "self-test passed" : "self-test FAILED") << '\n';
  return ok ? 0 : 1;
}
