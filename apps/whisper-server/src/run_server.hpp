// runserver: wires config, stores, the chat hub and the transport, and serves until
// SIGINT or SIGTERM.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "ops/config.hpp"

namespace whisper_server {

/// What the serving process knows beyond its configuration.
///
/// Thread safety: plain value type; `reload` is called from the signal thread only.
struct serve_context {
  std::string config_file;            ///< empty: no --config (named in the start-up line)
  std::vector<std::string> warnings;  ///< logged once the logger exists
  /// Reads the configuration again (file, environment, flags) for SIGHUP; throws
  /// config_error. Empty: nothing to reload.
  std::function<server_config()> reload;
};

/// Serves on config.listen until SIGINT or SIGTERM (SIGHUP reloads what can change
/// while serving); returns the exit code (0 after a clean stop). Throws config_error /
/// database_error / net::bind_error for the caller to print.
int run_server(const server_config& config, const serve_context& context = {});

}  // namespace whisper_server
