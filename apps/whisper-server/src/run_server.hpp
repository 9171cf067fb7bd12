// runserver: wires config, stores, the chat hub and the transport, and serves until
// SIGINT or SIGTERM.
#pragma once

#include "config.hpp"

namespace whisper_server {

/// Serves on config.listen until a signal; returns the exit code (0 after a clean
/// stop). Throws config_error / database_error / net::bind_error for the caller to
/// print.
int run_server(const server_config& config);

}  // namespace whisper_server
