// The wiring of a serving process. Order matters: everything the server references is
// declared before it, so it is destroyed after the server stopped.
#include "run_server.hpp"

#include <pthread.h>
#include <signal.h>
#include <spdlog/spdlog.h>

#include <thread>

#include "chat_backend.hpp"
#include "logging.hpp"
#include "net/server.hpp"
#include "password_worker.hpp"
#include "schema.hpp"
#include "site.hpp"
#include "sqlite_room_directory.hpp"
#include "sqlite_session_store.hpp"
#include "sqlite_user_store.hpp"
#include "whisper/auth.hpp"
#include "whisper/chat.hpp"
#include "whisper/password.hpp"

namespace whisper_server {
namespace {

// Waits for SIGINT/SIGTERM on its own thread (they are blocked everywhere else) and
// stops the server; SIGUSR1 from the main thread ends it when run() returned first.
class signal_watcher {
 public:
  explicit signal_watcher(net::server& server, spdlog::logger& log) {
    thread_ = std::thread([&server, &log] {
      sigset_t set = watched();
      for (;;) {
        int number = 0;
        if (::sigwait(&set, &number) != 0) continue;
        if (number == SIGUSR1) return;
        log.info("signal {} received: closing connections (1001) and stopping", number);
        server.stop(std::chrono::seconds(5));
        return;
      }
    });
  }
  ~signal_watcher() {
    ::pthread_kill(thread_.native_handle(), SIGUSR1);
    thread_.join();
  }
  signal_watcher(const signal_watcher&) = delete;
  signal_watcher& operator=(const signal_watcher&) = delete;

  static sigset_t watched() {
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGUSR1);
    return set;
  }

 private:
  std::thread thread_;
};

}  // namespace

int run_server(const server_config& config) {
  // Block the signals before any thread starts, so every thread inherits the mask and
  // only the watcher's sigwait receives them.
  sigset_t signals = signal_watcher::watched();
  ::pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  auto log = make_logger(config.log_format, config.log_level);
  // The transport logs through spdlog's default logger: one format for the whole process.
  spdlog::set_default_logger(log);
  auto db = open_migrated_database(config.database);
  sqlite_user_store users(*db);
  sqlite_session_store sessions(*db);
  sqlite_room_directory rooms(*db);
  log->info("purged {} expired sessions", sessions.purge_expired());

  chat_backend backend(config, log);
  whisper::chat_options chat_options;
  chat_options.limits = config.limits;
  chat_options.enter_leave_notices = config.enter_leave_notices;
  whisper::chat hub(backend.layer(), rooms, backend.presence(), chat_options);

  // Two Argon2 threads at most: hashing is memory-hard, and chat must keep its cores.
  const unsigned cores = std::max(1U, std::thread::hardware_concurrency());
  password_worker passwords(std::min(2U, cores), 64);
  site_context context{
      config,    *db,   users,
      sessions,  rooms, hub,
      passwords, log,   whisper::hash_password(whisper::random_token(16), config.argon2)};
  site pages(context);

  const auto [address, port] = split_listen_address(config.listen);
  net::server_options options;
  options.address = address;
  options.port = port;
  options.threads = config.threads;
  options.allowed_hosts = config.allowed_hosts;
  options.limits = config.limits;
  net::server server(options, hub,
                     whisper::session_cookie_authenticator(sessions, users, config.cookie_name),
                     [&pages](net::http_request&& request, net::http_responder respond) {
                       pages.handle(std::move(request), std::move(respond));
                     });
  server.listen();
  log->info("whisper-server listening on http://{}:{}/ (database {})", address, server.port(),
            config.database);
  {
    signal_watcher watcher(server, *log);
    server.run();
  }
  // Logins still hashing answer through the server's connections: let them finish
  // while the server object is alive.
  passwords.drain();
  log->info("stopped");
  return 0;
}

}  // namespace whisper_server
