// The key documentation table. Values are read from the config struct itself (no
// default is written twice): the default shown is the value of a default server_config.
#include "ops/config_docs.hpp"

#include <boost/json/serialize.hpp>
#include <boost/json/string_view.hpp>
#include <sstream>

namespace whisper_server {
namespace {

using getter = std::function<std::string(const server_config&)>;

// A TOML basic string: JSON's string escapes (\", \\, \n, \uXXXX) are TOML's too.
std::string literal(const std::string& text) {
  return boost::json::serialize(boost::json::string_view(text));
}
std::string literal(bool value) {
  return value ? "true" : "false";
}
std::string literal(double value) {
  std::ostringstream out;
  out << value;
  return out.str();
}
std::string literal(std::chrono::seconds value) {
  return std::to_string(value.count());
}
std::string literal(const std::vector<std::string>& items) {
  std::string out = "[";
  for (const auto& item : items) out += (out.size() > 1 ? ", " : "") + literal(item);
  return out + "]";
}
template <typename Integer, typename = std::enable_if_t<std::is_integral_v<Integer>>>
std::string literal(Integer value) {
  return std::to_string(value);
}

template <typename Member>
getter field(Member server_config::*member) {
  return [member](const server_config& c) { return literal(c.*member); };
}
template <typename Member>
getter limit(Member whisper::limits::*member) {
  return [member](const server_config& c) { return literal(c.limits.*member); };
}
template <typename Member>
getter argon2(Member whisper::argon2_params::*member) {
  return [member](const server_config& c) { return literal(c.argon2.*member); };
}

std::vector<config_key_doc> build_table() {
  using c = server_config;
  using l = whisper::limits;
  return {
      {"listen", "HOST:PORT", "address and port to listen on ([::1]:PORT for IPv6, port 0: any)",
       field(&c::listen)},
      {"threads", "INT", "network threads; 0: one per core", field(&c::threads)},
      {"io_backend", "auto|io_uring|epoll",
       "how WebSocket writes reach the kernel: io_uring batches a loop turn's writes into "
       "one system call; auto uses it where the kernel allows and falls back to epoll",
       field(&c::io_backend)},
      {"database", "PATH", "the SQLite file (create it with `whisper-server migrate`)",
       field(&c::database)},
      {"allowed_hosts", "LIST",
       "hosts a WebSocket Origin may name (host or host:port, \"*\": any); empty: the "
       "request's own Host",
       field(&c::allowed_hosts)},
      {"trusted_proxies", "LIST",
       "reverse proxies (addresses or CIDR networks) whose X-Forwarded-For names the client; "
       "empty: nobody's",
       field(&c::trusted_proxies)},
      {"channel_layer", "memory|redis",
       "memory: rooms live in this process; redis: rooms span every process on one Redis",
       field(&c::channel_layer)},
      {"redis_url", "URL", "redis://[[user]:password@]host[:port][/db] (channel_layer = redis)",
       field(&c::redis_url)},
      {"redis_prefix", "PREFIX", "prefix of every Redis key and channel", field(&c::redis_prefix)},
      {"redis_retry_on_start", "BOOL",
       "start even when Redis is unreachable, serve local rooms and keep retrying",
       field(&c::redis_retry_on_start)},
      {"redis_health_check_interval", "SECONDS",
       "silence from Redis after which a connection is probed (0: never)",
       field(&c::redis_health_check_interval)},
      {"redis_health_check_timeout", "SECONDS",
       "wait for a Redis answer before its connection is declared dead",
       field(&c::redis_health_check_timeout)},
      {"tls_cert_file", "PATH", "PEM certificate chain; with tls_key_file: HTTPS and WSS only",
       field(&c::tls_cert_file)},
      {"tls_key_file", "PATH", "PEM private key of tls_cert_file", field(&c::tls_key_file)},
      {"hsts_max_age", "SECONDS", "Strict-Transport-Security max-age over TLS (0: no header)",
       field(&c::hsts_max_age)},
      {"max_connections", "INT",
       "chat WebSockets the process may hold (0: derived from the open-file limit)",
       field(&c::max_connections)},
      {"max_connections_per_ip", "INT", "open connections per client address (0: no limit)",
       limit(&l::max_connections_per_ip)},
      {"max_connections_per_user", "INT", "open chat WebSockets per user (0: no limit)",
       limit(&l::max_connections_per_user)},
      {"metrics", "off|local|public|token", "who may read GET /metrics", field(&c::metrics)},
      {"cookie_name", "NAME", "name of the session cookie", field(&c::cookie_name)},
      {"cookie_secure", "true|false|auto",
       "Secure cookies: always, only over TLS, or auto (always when tls_cert_file is set)",
       [](const server_config& config) {
         return config.cookie_secure ? literal(*config.cookie_secure)
                                     : literal(std::string("auto"));
       }},
      {"session_lifetime", "SECONDS", "how long a login lasts", field(&c::session_lifetime)},
      {"signup_enabled", "BOOL", "serve /accounts/signup/ (self-registration)",
       field(&c::signup_enabled)},
      {"login_failures_per_minute", "INT",
       "failed logins per username and minute before HTTP 429 (0: no limit)",
       field(&c::login_failures_per_minute)},
      {"login_failures_per_minute_per_ip", "INT",
       "failed logins per client address and minute before HTTP 429 (0: no limit)",
       field(&c::login_failures_per_minute_per_ip)},
      {"api_token", "SECRET",
       "Authorization: Bearer <token> acts as staff on /api/ (empty: off; prefer the "
       "environment variable)",
       field(&c::api_token)},
      {"argon2_time_cost", "INT", "Argon2id passes for new password hashes",
       argon2(&whisper::argon2_params::time_cost)},
      {"argon2_memory_kib", "KIB", "Argon2id memory per hash",
       argon2(&whisper::argon2_params::memory_kib)},
      {"argon2_parallelism", "INT", "Argon2id lanes", argon2(&whisper::argon2_params::parallelism)},
      {"enter_leave_notices", "BOOL", "tell room members when users enter and leave",
       field(&c::enter_leave_notices)},
      {"max_message_bytes", "BYTES",
       "longest chat message (at most max_frame_bytes); longer: MESSAGE_TOO_LONG",
       limit(&l::max_message_bytes)},
      {"max_frame_bytes", "BYTES", "largest inbound WebSocket frame; larger: close 1009",
       limit(&l::max_frame_bytes)},
      {"commands_per_second", "NUMBER", "steady command rate per connection",
       limit(&l::commands_per_second)},
      {"command_burst", "NUMBER", "commands a connection may send at once",
       limit(&l::command_burst)},
      {"max_rooms_per_connection", "INT", "rooms one connection may be in at once",
       limit(&l::max_rooms_per_connection)},
      {"max_json_depth", "INT", "deepest JSON nesting accepted in a chat command",
       limit(&l::max_json_depth)},
      {"rate_limit_strikes", "INT", "RATE_LIMITED answers in a row before close 1008",
       limit(&l::rate_limit_strikes)},
      {"outbound_queue_bytes", "BYTES", "bytes waiting for one client before it is dropped (1013)",
       limit(&l::outbound_queue_bytes)},
      {"outbound_queue_frames", "INT", "frames waiting for one client before it is dropped",
       limit(&l::outbound_queue_frames)},
      {"presence_timeout", "SECONDS", "how long room_users lists a user after their last update",
       limit(&l::presence_timeout)},
      {"handshake_timeout", "SECONDS", "time a new connection has to send its HTTP request",
       limit(&l::handshake_timeout)},
      {"idle_timeout", "SECONDS", "silence before a ping; as long again without answer closes",
       limit(&l::idle_timeout)},
      {"log_level", "LEVEL", "trace, debug, info, warn, error, critical or off",
       field(&c::log_level)},
      {"log_format", "plain|json", "plain text or one JSON object per line, on stderr",
       field(&c::log_format)},
      {"access_log_level", "LEVEL", "level of the access log line of each HTTP request (off: none)",
       field(&c::access_log_level)},
  };
}

}  // namespace

const std::vector<config_key_doc>& config_key_docs() {
  static const std::vector<config_key_doc> table = build_table();
  return table;
}

const config_key_doc* find_config_key_doc(const std::string& key) {
  for (const auto& doc : config_key_docs()) {
    if (doc.key == key) return &doc;
  }
  return nullptr;
}

std::string sample_config_file(const server_config& config, const std::string& fresh_api_token) {
  const server_config defaults;
  std::string out =
      "# whisper-server configuration (TOML). Every key is optional: a commented-out line\n"
      "# shows the default. WHISPER_<KEY> environment variables and --<key> flags override\n"
      "# this file; docs/configuration.md describes every key in full.\n";
  for (const auto& doc : config_key_docs()) {
    const std::string value = doc.value(config);
    const bool is_set = value != doc.value(defaults);
    out += "\n# " + doc.meaning + " (" + doc.type + ", default " + doc.value(defaults) + ")\n";
    if (doc.key == "api_token" && !is_set) {
      out += "# A fresh random token, made for this file: uncomment to enable.\n";
      out += "# api_token = " + literal(fresh_api_token) + "\n";
    } else {
      out += (is_set ? "" : "# ") + doc.key + " = " + value + "\n";
    }
  }
  return out;
}

}  // namespace whisper_server
