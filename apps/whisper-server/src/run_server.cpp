// The wiring of a serving process. Order matters: everything the server references is
// declared before it, so it is destroyed after the server stopped.
#include "run_server.hpp"

#include <pthread.h>
#include <signal.h>
#include <spdlog/spdlog.h>
#include <sys/resource.h>

#include <algorithm>
#include <functional>
#include <thread>

#include "chat_backend.hpp"
#include "http/password_worker.hpp"
#include "http/site.hpp"
#include "net_namespace.hpp"
#include "ops/logging.hpp"
#include "ops/systemd_notify.hpp"
#include "ops/timed_channel_layer.hpp"
#include "store/account_watch.hpp"
#include "store/database_file_guard.hpp"
#include "store/schema.hpp"
#include "store/sqlite_room_directory.hpp"
#include "store/sqlite_session_store.hpp"
#include "store/sqlite_user_store.hpp"
#include "whisper/asio/server.hpp"
#include "whisper/auth.hpp"
#include "whisper/chat_hub.hpp"
#include "whisper/password.hpp"
#include "whisper/version.hpp"

namespace whisper_server {
namespace {

// Waits for SIGINT/SIGTERM on its own thread (they are blocked everywhere else) and
// stops the server; SIGUSR1 from the main thread ends it when run() returned first.
// SIGHUP (sent by `systemctl reload`, or by a closing terminal) must not kill a server
// with open sockets: it calls `on_hangup` and serving goes on.
class signal_watcher {
 public:
  signal_watcher(net::server& server, spdlog::logger& log, std::function<void()> on_hangup)
      : thread_([&server, &log, on_hangup = std::move(on_hangup)] {
          sigset_t set = watched();
          for (;;) {
            int number = 0;
            if (::sigwait(&set, &number) != 0) continue;
            if (number == SIGUSR1) return;
            if (number == SIGHUP) {
              on_hangup();
              continue;
            }
            log.info("signal {} received: closing connections (1001) and stopping", number);
            server.stop(std::chrono::seconds(5));
            return;
          }
        }) {}
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
    sigaddset(&set, SIGHUP);
    sigaddset(&set, SIGUSR1);
    return set;
  }

 private:
  std::thread thread_;
};

// max_connections = 0: as many WebSockets as the open-file limit allows, minus a tenth
// (at least 32) kept for what else needs descriptors: logins and pages over HTTP, the
// database and its WAL, Redis, logs. Past that accept() would fail with EMFILE for
// everyone; refusing upgrades first keeps the login page and /healthz reachable.
std::size_t effective_max_connections(std::size_t configured) {
  if (configured != 0) return configured;
  rlimit files{};
  if (::getrlimit(RLIMIT_NOFILE, &files) != 0 || files.rlim_cur == RLIM_INFINITY) return 0;
  const auto limit = static_cast<std::size_t>(files.rlim_cur);
  const std::size_t reserve = std::max<std::size_t>(32, limit / 10);
  return limit > reserve ? limit - reserve : 1;
}

// SIGHUP: the TLS certificate and key are read again from their files (a renewed
// certificate, e.g. by certbot) for new connections, and the log level takes effect at
// once; everything else is bound into objects made at start (sockets, limits, the
// database) and needs a restart.
void reload_on_hangup(const serve_context& context, net::server& server, spdlog::logger& log) {
  try {
    if (server.reload_tls()) log.warn("SIGHUP received: TLS certificate and key reloaded");
  } catch (const std::exception& e) {
    log.error("SIGHUP received: {}; the current certificate stays in use", e.what());
  }
  if (!context.reload) {
    log.info("SIGHUP received: nothing to reload; the server goes on");
    return;
  }
  try {
    const server_config fresh = context.reload();
    log.set_level(spdlog::level::from_str(fresh.log_level));
    log.warn(
        "SIGHUP received: configuration re-read, log_level is now {}; other changes take "
        "effect at the next restart",
        fresh.log_level);
  } catch (const std::exception& e) {
    log.error(
        "SIGHUP received: the configuration was not reloaded ({}); the server goes on "
        "with the settings it has",
        e.what());
  }
}

}  // namespace

int run_server(const server_config& requested, const serve_context& serving) {
  // cookie_secure "auto" means Secure cookies whenever this port speaks TLS.
  server_config config = requested;
  if (!config.cookie_secure && config.tls_enabled()) config.cookie_secure = true;
  // Block the signals before any thread starts, so every thread inherits the mask and
  // only the watcher's sigwait receives them.
  sigset_t signals = signal_watcher::watched();
  ::pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  auto log = make_logger(config.log_format, config.log_level);
  // The transport logs through spdlog's default logger: one format for the whole process.
  spdlog::set_default_logger(log);
  // The logger buffers (logging.cpp): an info line reaches stderr within 100 ms.
  periodic_log_flush flusher(log, std::chrono::milliseconds(100));
  for (const auto& warning : serving.warnings) log->warn("{}", warning);
  auto db = open_migrated_database(config.database);
  // Right after the open: what the path names now is the file SQLite has open.
  database_file_guard db_file(config.database, log, std::chrono::seconds(2));
  sqlite_user_store users(*db);
  sqlite_session_store sessions(*db);
  sqlite_room_directory rooms(*db);
  log->info("purged {} expired sessions", sessions.purge_expired());

  chat_backend backend(config, log);
  server_metrics metrics;
  metrics.redis = backend.redis_stats();
  timed_channel_layer timed_layer(backend.layer(), metrics.fanout);
  whisper::hub_options hub_options;
  hub_options.limits = config.limits;
  hub_options.enter_leave_notices = config.enter_leave_notices;
  whisper::chat_hub hub(timed_layer, rooms, backend.presence(), hub_options);
  login_throttle throttle(config.login_failures_per_minute,
                          config.login_failures_per_minute_per_ip);

  const password_pool_limits pool;
  const unsigned cores = std::max(1U, std::thread::hardware_concurrency());
  password_worker passwords(std::min(pool.max_threads, cores), pool.max_pending);
  const whisper::authenticator authenticate =
      whisper::session_cookie_authenticator(sessions, users, config.cookie_name);
  site_context context{
      config,      *db,      users,
      sessions,    rooms,    hub,
      passwords,   log,      whisper::hash_password(whisper::random_token(16), config.argon2),
      metrics,     throttle, db_file,
      authenticate};
  site pages(context);

  const auto [address, port] = split_listen_address(config.listen);
  net::server_options options;
  options.address = address;
  options.port = port;
  options.threads = config.threads;
  options.backend = net::parse_io_backend(config.io_backend).value_or(net::io_backend::automatic);
  options.allowed_hosts = config.allowed_hosts;
  options.trusted_proxies = net::trusted_proxy_list(config.trusted_proxies);
  options.limits = config.limits;
  options.max_connections = effective_max_connections(config.max_connections);
  options.tls.cert_file = config.tls_cert_file;
  options.tls.key_file = config.tls_key_file;
  net::server server(options, hub, authenticate,
                     [&pages](whisper::request&& request, net::http_responder respond) {
                       pages.handle(std::move(request), std::move(respond));
                     });
  metrics.transport.store(&server.stats(), std::memory_order_release);
  server.listen();
  // Accounts and sessions changed by another process (the changepassword command, a
  // server on the same database) reach this one's open sockets within two seconds.
  // Made after the server and so gone before it: no re-check runs while it stops.
  account_watch accounts(*db, users, sessions, hub, log, std::chrono::seconds(2));
  // IPv6 hosts need brackets in a URL.
  const std::string host = address.find(':') == std::string::npos ? address : "[" + address + "]";
  log->info(
      "whisper-server {} listening on {}://{}:{}/ (config file {}, database {}, channel layer "
      "{}, io backend {}, metrics {}, max_connections {})",
      whisper::version, config.tls_enabled() ? "https" : "http", host, server.port(),
      serving.config_file.empty() ? "none" : serving.config_file, config.database,
      backend.description(), net::to_string(server.backend()), config.metrics,
      options.max_connections);
  log->flush();
  {
    signal_watcher watcher(server, *log,
                           [&serving, &server, &log] { reload_on_hangup(serving, server, *log); });
    systemd_readiness readiness;  // READY=1 now that it listens, STOPPING=1 when run() ends
    server.run();
  }
  // Logins still hashing answer through the server's connections: let them finish
  // while the server object is alive.
  passwords.drain();
  log->info("stopped");
  log->flush();
  return 0;
}

}  // namespace whisper_server
