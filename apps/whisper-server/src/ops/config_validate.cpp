// Cross-key checks of a resolved configuration: values each key's parser accepts on its
// own but that make no sense (or no server) together. Kept apart from the parsing.
#include <stdexcept>
#include <string>

#include "net_namespace.hpp"
#include "ops/config.hpp"
#include "whisper/asio/tls_options.hpp"
#include "whisper/asio/trusted_proxies.hpp"

namespace whisper_server {

void validate_config(const server_config& config) {
  split_listen_address(config.listen);
  if (config.log_format != "plain" && config.log_format != "json") {
    throw config_error("log_format must be \"plain\" or \"json\", not \"" + config.log_format +
                       "\"");
  }
  static const char* const levels[] = {"trace", "debug",    "info", "warn",
                                       "error", "critical", "off"};
  for (const auto& [key, value] : {std::pair{"log_level", &config.log_level},
                                   std::pair{"access_log_level", &config.access_log_level}}) {
    bool level_ok = false;
    for (const char* level : levels) level_ok = level_ok || *value == level;
    if (!level_ok) {
      throw config_error(std::string(key) +
                         " must be one of trace, debug, info, warn, error, critical, off");
    }
  }
  if (config.io_backend != "auto" && config.io_backend != "io_uring" &&
      config.io_backend != "epoll") {
    throw config_error("io_backend must be \"auto\", \"io_uring\" or \"epoll\", not \"" +
                       config.io_backend + "\"");
  }
  if (config.channel_layer != "memory" && config.channel_layer != "redis") {
    throw config_error("channel_layer must be \"memory\" or \"redis\", not \"" +
                       config.channel_layer + "\"");
  }
  // A message travels inside one frame (with its JSON around it): a longer limit than
  // the frame's could never be reached, and a client would be closed (1009) instead of
  // getting MESSAGE_TOO_LONG.
  if (config.limits.max_message_bytes > config.limits.max_frame_bytes) {
    throw config_error("max_message_bytes (" + std::to_string(config.limits.max_message_bytes) +
                       ") is larger than max_frame_bytes (" +
                       std::to_string(config.limits.max_frame_bytes) +
                       "): a message must fit in one frame; raise max_frame_bytes or lower "
                       "max_message_bytes");
  }
  if (config.cookie_name.empty()) throw config_error("cookie_name must not be empty");
  try {
    const net::trusted_proxy_list proxies(config.trusted_proxies);
  } catch (const std::invalid_argument& e) {
    throw config_error("trusted_proxies: " + std::string(e.what()));
  }
  if (config.database.empty()) throw config_error("database must not be empty");
  if (config.metrics != "off" && config.metrics != "local" && config.metrics != "public" &&
      config.metrics != "token") {
    throw config_error("metrics must be \"off\", \"local\", \"public\" or \"token\", not \"" +
                       config.metrics + "\"");
  }
  if (config.metrics == "token" && config.api_token.empty())
    throw config_error("metrics = \"token\" needs api_token to be set");
  if (config.tls_cert_file.empty() != config.tls_key_file.empty())
    throw config_error("tls_cert_file and tls_key_file must be set together (or both empty)");
  if (config.tls_enabled() && !net::tls_supported())
    throw config_error("TLS needs a build with WHISPER_WITH_TLS (tls_cert_file is set)");
}

}  // namespace whisper_server
