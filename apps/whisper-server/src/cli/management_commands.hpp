// The management subcommands of whisper-server (everything but runserver). Each returns
// the process exit code and throws for operator errors (the caller prints the message).
#pragma once

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>

#include "ops/config.hpp"

namespace whisper_server {

/// An operator mistake (unknown user, duplicate name, ...): one sentence, exit code 1.
class command_error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct new_user_options {
  std::string username;  ///< empty: ask (interactive createsuperuser only)
  std::string name;
  bool staff = false;
  bool superuser = false;
  bool no_input = false;
};

struct bench_users_options {
  int count = 0;
  std::string prefix = "bench";
  std::string cookies_file;
  bool staff = false;
};

int command_migrate(const server_config& config);
int command_create_user(const server_config& config, new_user_options options);
int command_change_password(const server_config& config, const std::string& username,
                            bool no_input);
int command_create_room(const server_config& config, const std::string& title, bool staff_only);
int command_list_rooms(const server_config& config);
int command_list_users(const server_config& config);
int command_bench_users(const server_config& config, const bench_users_options& options);
/// Validates the resolved configuration beyond parsing (the TLS files are readable) and
/// says what it found; throws config_error. `config_file` is empty without --config.
int command_checkconfig(const server_config& config, const std::string& config_file);
/// Prints sample_config_file() for `config` with a fresh API token offered.
int command_genconfig(const server_config& config);
/// The setup part of quickstart: migrate, first admin, first rooms (runserver follows).
void prepare_quickstart(const server_config& config);

}  // namespace whisper_server
