// Parsing of the configuration sources. Every key is described once (kind + setter),
// and all three sources (TOML, environment, flags) go through the same setter, so a key
// cannot behave differently depending on where it was set.
#include "ops/config.hpp"

#include <toml++/toml.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <functional>
#include <limits>
#include <sstream>

#include "ops/did_you_mean.hpp"

namespace whisper_server {
namespace {

enum class kind { text, boolean, integer, number, list };

struct key_spec {
  kind type;
  std::function<void(server_config&, const std::string&)> set;
};

long long parse_integer(const std::string& text, long long min, long long max) {
  if (text.empty()) throw config_error("expected an integer, got an empty value");
  errno = 0;
  char* end = nullptr;
  const long long value = std::strtoll(text.c_str(), &end, 10);
  if (*end != '\0' || errno == ERANGE)
    throw config_error("expected an integer, got '" + text + "'");
  if (value < min || value > max) {
    throw config_error("value " + text + " is out of range [" + std::to_string(min) + ", " +
                       std::to_string(max) + "]");
  }
  return value;
}

double parse_number(const std::string& text) {
  char* end = nullptr;
  const double value = std::strtod(text.c_str(), &end);
  if (text.empty() || *end != '\0' || !(value > 0.0)) {
    throw config_error("expected a positive number, got '" + text + "'");
  }
  return value;
}

bool parse_bool(const std::string& text) {
  if (text == "true" || text == "1" || text == "yes" || text == "on") return true;
  if (text == "false" || text == "0" || text == "no" || text == "off") return false;
  throw config_error("expected true or false, got '" + text + "'");
}

std::vector<std::string> parse_list(const std::string& text) {
  std::vector<std::string> items;
  std::stringstream stream(text);
  std::string item;
  while (std::getline(stream, item, ',')) {
    if (!item.empty()) items.push_back(item);
  }
  return items;
}

constexpr long long kMaxInt = std::numeric_limits<int>::max();

// Shorthands for the table below.
key_spec size_key(std::size_t whisper::limits::*field, long long min, long long max = 1LL << 40) {
  return {kind::integer, [field, min, max](server_config& c, const std::string& t) {
            c.limits.*field = static_cast<std::size_t>(parse_integer(t, min, max));
          }};
}
key_spec seconds_key(std::chrono::seconds whisper::limits::*field) {
  return {kind::integer, [field](server_config& c, const std::string& t) {
            c.limits.*field = std::chrono::seconds(parse_integer(t, 1, kMaxInt));
          }};
}
key_spec argon2_key(std::uint32_t whisper::argon2_params::*field, long long min, long long max) {
  return {kind::integer, [=](server_config& c, const std::string& t) {
            c.argon2.*field = static_cast<std::uint32_t>(parse_integer(t, min, max));
          }};
}
key_spec text_key(std::string server_config::*field) {
  return {kind::text, [field](server_config& c, const std::string& t) { c.*field = t; }};
}

const std::vector<std::pair<std::string, key_spec>>& key_table() {
  static const std::vector<std::pair<std::string, key_spec>> table = {
      {"listen", text_key(&server_config::listen)},
      {"threads",
       {kind::integer,
        [](server_config& c, const std::string& t) {
          c.threads = static_cast<unsigned>(parse_integer(t, 0, 1024));
        }}},
      {"database", text_key(&server_config::database)},
      {"allowed_hosts",
       {kind::list,
        [](server_config& c, const std::string& t) { c.allowed_hosts = parse_list(t); }}},
      {"trusted_proxies",
       {kind::list,
        [](server_config& c, const std::string& t) { c.trusted_proxies = parse_list(t); }}},
      {"cookie_name", text_key(&server_config::cookie_name)},
      {"cookie_secure",
       {kind::boolean,
        [](server_config& c, const std::string& t) {
          if (t == "auto") {
            c.cookie_secure.reset();
          } else {
            c.cookie_secure = parse_bool(t);
          }
        }}},
      {"session_lifetime",
       {kind::integer,
        [](server_config& c, const std::string& t) {
          c.session_lifetime = std::chrono::seconds(parse_integer(t, 60, 10LL * 365 * 86400));
        }}},
      {"enter_leave_notices",
       {kind::boolean,
        [](server_config& c, const std::string& t) { c.enter_leave_notices = parse_bool(t); }}},
      {"signup_enabled",
       {kind::boolean,
        [](server_config& c, const std::string& t) { c.signup_enabled = parse_bool(t); }}},
      {"max_message_bytes", size_key(&whisper::limits::max_message_bytes, 1)},
      {"max_frame_bytes", size_key(&whisper::limits::max_frame_bytes, 128)},
      {"commands_per_second",
       {kind::number,
        [](server_config& c, const std::string& t) {
          c.limits.commands_per_second = parse_number(t);
        }}},
      {"command_burst",
       {kind::number,
        [](server_config& c, const std::string& t) { c.limits.command_burst = parse_number(t); }}},
      {"max_rooms_per_connection", size_key(&whisper::limits::max_rooms_per_connection, 1)},
      // Commands are flat objects: depth 1 parses them, and more than 1024 only feeds an attack.
      {"max_json_depth", size_key(&whisper::limits::max_json_depth, 1, 1024)},
      {"rate_limit_strikes", size_key(&whisper::limits::rate_limit_strikes, 1)},
      {"max_connections",
       {kind::integer,
        [](server_config& c, const std::string& t) {
          c.max_connections = static_cast<std::size_t>(parse_integer(t, 0, 1LL << 40));
        }}},
      {"max_connections_per_user", size_key(&whisper::limits::max_connections_per_user, 0)},
      {"max_connections_per_ip", size_key(&whisper::limits::max_connections_per_ip, 0)},
      {"outbound_queue_bytes", size_key(&whisper::limits::outbound_queue_bytes, 1024)},
      {"outbound_queue_frames", size_key(&whisper::limits::outbound_queue_frames, 1)},
      {"presence_timeout", seconds_key(&whisper::limits::presence_timeout)},
      {"handshake_timeout", seconds_key(&whisper::limits::handshake_timeout)},
      {"idle_timeout", seconds_key(&whisper::limits::idle_timeout)},
      {"argon2_time_cost", argon2_key(&whisper::argon2_params::time_cost, 1, 100)},
      {"argon2_memory_kib", argon2_key(&whisper::argon2_params::memory_kib, 8, 4LL * 1024 * 1024)},
      {"argon2_parallelism", argon2_key(&whisper::argon2_params::parallelism, 1, 64)},
      {"io_backend", text_key(&server_config::io_backend)},
      {"channel_layer", text_key(&server_config::channel_layer)},
      {"redis_url", text_key(&server_config::redis_url)},
      {"redis_prefix", text_key(&server_config::redis_prefix)},
      {"redis_retry_on_start",
       {kind::boolean,
        [](server_config& c, const std::string& t) { c.redis_retry_on_start = parse_bool(t); }}},
      {"redis_health_check_interval",
       {kind::integer,
        [](server_config& c, const std::string& t) {
          c.redis_health_check_interval = std::chrono::seconds(parse_integer(t, 0, 3600));
        }}},
      {"redis_health_check_timeout",
       {kind::integer,
        [](server_config& c, const std::string& t) {
          c.redis_health_check_timeout = std::chrono::seconds(parse_integer(t, 1, 3600));
        }}},
      {"log_level", text_key(&server_config::log_level)},
      {"log_format", text_key(&server_config::log_format)},
      {"access_log_level", text_key(&server_config::access_log_level)},
      {"api_token", text_key(&server_config::api_token)},
      {"metrics", text_key(&server_config::metrics)},
      {"login_failures_per_minute",
       {kind::integer,
        [](server_config& c, const std::string& t) {
          c.login_failures_per_minute = static_cast<unsigned>(parse_integer(t, 0, 1000000));
        }}},
      {"login_failures_per_minute_per_ip",
       {kind::integer,
        [](server_config& c, const std::string& t) {
          c.login_failures_per_minute_per_ip = static_cast<unsigned>(parse_integer(t, 0, 1000000));
        }}},
      {"tls_cert_file", text_key(&server_config::tls_cert_file)},
      {"tls_key_file", text_key(&server_config::tls_key_file)},
      {"hsts_max_age",
       {kind::integer,
        [](server_config& c, const std::string& t) {
          c.hsts_max_age = std::chrono::seconds(parse_integer(t, 0, 10LL * 365 * 86400));
        }}},
  };
  return table;
}

const key_spec* find_key(const std::string& key) {
  for (const auto& [name, spec] : key_table()) {
    if (name == key) return &spec;
  }
  return nullptr;
}

// The text form of a TOML value, after checking its type against the key's kind.
std::string toml_value_text(const toml::node& node, kind type) {
  switch (type) {
    case kind::text:
      if (auto v = node.value_exact<std::string>()) return *v;
      throw config_error("expected a string");
    case kind::boolean:
      if (auto v = node.value_exact<bool>()) return *v ? "true" : "false";
      if (auto s = node.value_exact<std::string>(); s && *s == "auto") return "auto";
      throw config_error("expected true or false");
    case kind::integer:
      if (auto v = node.value_exact<std::int64_t>()) return std::to_string(*v);
      throw config_error("expected an integer");
    case kind::number:
      if (auto v = node.value_exact<std::int64_t>()) return std::to_string(*v);
      if (auto v = node.value_exact<double>()) {
        std::ostringstream out;
        out << *v;
        return out.str();
      }
      throw config_error("expected a number");
    case kind::list: {
      const auto* array = node.as_array();
      if (array == nullptr) throw config_error("expected an array of strings");
      std::string joined;
      for (const auto& item : *array) {
        auto v = item.value_exact<std::string>();
        if (!v || v->find(',') != std::string::npos) {
          throw config_error("expected an array of strings without commas");
        }
        joined += (joined.empty() ? "" : ",") + *v;
      }
      return joined;
    }
  }
  throw config_error("unsupported value");
}

std::string where(const std::string& path, const toml::node& node) {
  return path + ":" + std::to_string(node.source().begin.line);
}

// Applies a table's keys; sub-tables ([argon2] time_cost) flatten to argon2_time_cost.
void apply_table(server_config& config, const toml::table& table, const std::string& prefix,
                 const std::string& path) {
  for (const auto& [toml_key, node] : table) {
    const std::string key = prefix + std::string(toml_key.str());
    if (const auto* sub = node.as_table()) {
      apply_table(config, *sub, key + "_", path);
      continue;
    }
    const key_spec* spec = find_key(key);
    if (spec == nullptr) {
      throw config_error(where(path, node) + ": unknown key '" + key + "'" +
                         did_you_mean(key, config_keys()));
    }
    try {
      spec->set(config, toml_value_text(node, spec->type));
    } catch (const config_error& e) {
      throw config_error(where(path, node) + ": " + key + ": " + e.what());
    }
  }
}

}  // namespace

const std::vector<std::string>& config_keys() {
  static const std::vector<std::string> keys = [] {
    std::vector<std::string> names;
    for (const auto& entry : key_table()) names.push_back(entry.first);
    return names;
  }();
  return keys;
}

void apply_config_text(server_config& config, const std::string& key, const std::string& text,
                       const std::string& origin) {
  const key_spec* spec = find_key(key);
  if (spec == nullptr) throw config_error(origin + ": unknown key '" + key + "'");
  try {
    spec->set(config, text);
  } catch (const config_error& e) {
    throw config_error(origin + ": " + e.what());
  }
}

void apply_config_file(server_config& config, const std::string& path) {
  toml::table table;
  try {
    table = toml::parse_file(path);
  } catch (const toml::parse_error& e) {
    const auto& begin = e.source().begin;
    if (begin.line == 0)
      throw config_error("cannot read config file " + path + ": " + std::string(e.description()));
    throw config_error(path + ":" + std::to_string(begin.line) + ": " +
                       std::string(e.description()));
  }
  apply_table(config, table, "", path);
}

void apply_config_environment(server_config& config) {
  for (const auto& key : config_keys()) {
    const std::string name = environment_name(key);
    if (const char* value = std::getenv(name.c_str())) {
      apply_config_text(config, key, value, "environment variable " + name);
    }
  }
}

std::vector<std::string> unknown_environment_variables() {
  // Variables the program reads that are not config keys.
  std::vector<std::string> known = {"WHISPER_CONFIG", "WHISPER_PASSWORD"};
  for (const auto& key : config_keys()) known.push_back(environment_name(key));
  std::vector<std::string> unknown;
  for (char** entry = environ; *entry != nullptr; ++entry) {
    const std::string_view text(*entry);
    const std::string name(text.substr(0, text.find('=')));
    if (name.rfind("WHISPER_", 0) != 0) continue;
    if (std::find(known.begin(), known.end(), name) == known.end()) unknown.push_back(name);
  }
  return unknown;
}

std::string environment_name(const std::string& key) {
  std::string name = "WHISPER_";
  for (char ch : key) name += static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  return name;
}

std::pair<std::string, unsigned short> split_listen_address(const std::string& listen) {
  const auto colon = listen.rfind(':');
  if (colon == std::string::npos || colon == 0) {
    throw config_error("listen address '" + listen + "' is not of the form HOST:PORT");
  }
  std::string host = listen.substr(0, colon);
  if (host.size() > 2 && host.front() == '[' && host.back() == ']')
    host = host.substr(1, host.size() - 2);
  long long port = 0;
  try {
    port = parse_integer(listen.substr(colon + 1), 0, 65535);
  } catch (const config_error&) {
    throw config_error("listen address '" + listen + "' has an invalid port");
  }
  return {host, static_cast<unsigned short>(port)};
}

}  // namespace whisper_server
