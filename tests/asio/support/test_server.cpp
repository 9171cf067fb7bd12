#include "support/test_server.hpp"

#include <cstdlib>

namespace whisper_test {

namespace {

// Accepts "sessionid=good-<name>" as user <name>; refuses everything else.
whisper::auth_result test_authenticator(const whisper::request& hs) {
  const auto session = hs.cookie("sessionid");
  if (!session || session->rfind("good-", 0) != 0) {
    return whisper::auth_result::refuse("no valid test session");
  }
  whisper::user who;
  who.username = std::string(session->substr(5));
  who.id = static_cast<whisper::user_id>(std::hash<std::string>{}(who.username) & 0xFFFFFF) + 1;
  return whisper::auth_result::accept(who);
}

}  // namespace

test_server::test_server(configure_fn configure, whisper::net::http_handler http,
                         configure_chat_fn configure_chat) {
  whisper::net::server_options options;
  options.port = 0;
  options.threads = 2;
  options.limits.handshake_timeout = std::chrono::seconds(2);
  // ctest runs the server tests once per io backend (net.server, net.server.epoll).
  if (const char* backend = std::getenv("WHISPER_IO_BACKEND")) {
    options.backend = whisper::net::parse_io_backend(backend).value();
  }
  if (configure) configure(options);

  whisper::hub_options hub_options;
  hub_options.limits = options.limits;
  // Tests flood on purpose: the core's rate limit is not what they exercise.
  hub_options.limits.commands_per_second = 1e6;
  hub_options.limits.command_burst = 1e6;
  if (configure_chat) configure_chat(hub_options);
  hub_ = std::make_unique<whisper::chat_hub>(layer_, rooms_, presence_, hub_options);
  lobby_ = rooms_.create("Lobby", false).id;

  server_ =
      std::make_unique<whisper::net::server>(options, *hub_, test_authenticator, std::move(http));
  server_->listen();
  thread_ = std::thread([this] { server_->run(); });
}

test_server::~test_server() {
  stop();
}

void test_server::stop(std::chrono::milliseconds grace) {
  if (!thread_.joinable()) return;
  server_->stop(grace);
  thread_.join();
}

std::string join_command(whisper::room_id room) {
  return R"({"command":"join","room":)" + std::to_string(room) + "}";
}

std::string send_command(whisper::room_id room, std::string_view message) {
  return R"({"command":"send","room":)" + std::to_string(room) + R"(,"message":")" +
         std::string(message) + "\"}";
}

}  // namespace whisper_test
