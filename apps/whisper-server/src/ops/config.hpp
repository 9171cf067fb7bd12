// The server's configuration: one struct, filled from a TOML file, then WHISPER_*
// environment variables, then command-line flags (later sources win).
#pragma once

#include <chrono>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "whisper/limits.hpp"
#include "whisper/password.hpp"

namespace whisper_server {

/// A bad configuration value or file; the message is one sentence naming where.
class config_error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// Every setting of whisper-server (docs/configuration.md lists keys and defaults).
///
/// Thread safety: plain value type; a shared object is safe for concurrent reads.
struct server_config {
  std::string listen = "127.0.0.1:8000";
  unsigned threads = 0;
  /// "auto" (io_uring where the kernel allows it, else epoll), "io_uring", "epoll".
  std::string io_backend = "auto";
  std::string database = "whisper.db";
  std::vector<std::string> allowed_hosts;
  /// Reverse proxies (addresses, CIDR networks) whose X-Forwarded-For / Forwarded names
  /// the client; empty: every client is its TCP peer.
  std::vector<std::string> trusted_proxies;
  std::string cookie_name = "sessionid";
  std::optional<bool> cookie_secure;  ///< unset: Secure only on requests that came over TLS
  std::chrono::seconds session_lifetime{14 * 24 * 3600};
  bool enter_leave_notices = true;
  bool signup_enabled = false;
  whisper::limits limits;
  whisper::argon2_params argon2;
  std::string channel_layer = "memory";
  std::string redis_url = "redis://127.0.0.1:6379/0";
  std::string redis_prefix = "whisper";
  // Start even when Redis is unreachable and keep retrying (local rooms work meanwhile);
  // false: refuse to start with a clear error.
  bool redis_retry_on_start = false;
  // Health check of the Redis connections (a Redis that hangs keeps them open): probe
  // after this much silence (0: no health check) ...
  std::chrono::seconds redis_health_check_interval{5};
  // ... and give a connection up when a command or probe waited this long for an answer.
  std::chrono::seconds redis_health_check_timeout{5};
  std::string log_level = "info";
  std::string log_format = "plain";
  /// The level of the access log (one line per HTTP request); "off": none.
  std::string access_log_level = "info";
  std::string api_token;
  /// Who may GET /metrics: "off" (404), "local" (loopback only), "public", "token"
  /// (Authorization: Bearer <api_token>).
  std::string metrics = "local";
  /// Failed logins in a sliding minute after which further attempts are refused
  /// (HTTP 429, no password check): per username, and per client IP. 0: no limit.
  unsigned login_failures_per_minute = 5;
  unsigned login_failures_per_minute_per_ip = 20;
  /// PEM files; both set = HTTPS/WSS (needs a build with WHISPER_WITH_TLS), both empty
  /// = plain HTTP.
  std::string tls_cert_file;
  std::string tls_key_file;
  /// Strict-Transport-Security max-age sent on pages served over TLS (never over plain
  /// HTTP: browsers ignore it there, and a proxy decides for itself). 0: no header.
  std::chrono::seconds hsts_max_age{365 * 24 * 3600};
  /// Open chat WebSockets in the whole process; further upgrades get HTTP 503. 0: derived
  /// from the open-file limit at start (effective_max_connections()).
  std::size_t max_connections = 0;

  bool tls_enabled() const { return !tls_cert_file.empty(); }
};

/// The names of every key, in documentation order (the flag is "--" + key with '-'
/// for '_', the environment variable "WHISPER_" + upper-case key).
const std::vector<std::string>& config_keys();

/// Sets one key from its text form (environment variable or flag). `origin` names the
/// source in the error message. Throws config_error.
void apply_config_text(server_config& config, const std::string& key, const std::string& text,
                       const std::string& origin);

/// Reads a TOML file over `config`. Throws config_error ("file:line: ...").
void apply_config_file(server_config& config, const std::string& path);

/// Applies every WHISPER_<KEY> variable present in the environment.
void apply_config_environment(server_config& config);

/// "WHISPER_" + the key in upper case.
std::string environment_name(const std::string& key);

/// WHISPER_* variables in the environment that whisper-server does not read (typos,
/// usually): the caller warns about them.
std::vector<std::string> unknown_environment_variables();

/// Checks cross-key rules (log_format, channel_layer, ...). Throws config_error.
void validate_config(const server_config& config);

/// Splits "host:port" ("[::1]:8000" too). Throws config_error.
std::pair<std::string, unsigned short> split_listen_address(const std::string& listen);

}  // namespace whisper_server
