// checkconfig and genconfig: the configuration itself, without a database or a socket.
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <iostream>

#include "cli/management_commands.hpp"
#include "ops/config_docs.hpp"
#include "whisper/account_stores.hpp"

namespace whisper_server {
namespace {

// A file the server will need to read at start (the TLS pair): refused now rather than
// at the next restart.
void check_readable(const std::string& key, const std::string& path) {
  if (path.empty() || ::access(path.c_str(), R_OK) == 0) return;
  throw config_error(key + " " + path + " cannot be read: " + std::strerror(errno));
}

}  // namespace

int command_checkconfig(const server_config& config, const std::string& config_file) {
  // Parsing and the cross-key rules already ran (main resolves before any command).
  check_readable("tls_cert_file", config.tls_cert_file);
  check_readable("tls_key_file", config.tls_key_file);
  std::cout << "Configuration OK ("
            << (config_file.empty() ? "no config file" : "config file " + config_file)
            << ", environment and flags): listen " << config.listen << ", database "
            << config.database << ", channel layer " << config.channel_layer << ".\n";
  if (::access(config.database.c_str(), F_OK) != 0) {
    std::cout << "Note: the database " << config.database
              << " does not exist yet; `whisper-server migrate` creates it.\n";
  }
  return 0;
}

int command_genconfig(const server_config& config) {
  std::cout << sample_config_file(config, whisper::random_token());
  return 0;
}

}  // namespace whisper_server
