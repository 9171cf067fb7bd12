// What each configuration key means, for people: --help, `genconfig` and `checkconfig`
// read this table. Parsing lives in config.cpp; a test checks both name the same keys.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "ops/config.hpp"

namespace whisper_server {

/// One key's documentation.
///
/// Thread safety: immutable after the table is built; safe to share.
struct config_key_doc {
  std::string key;
  std::string type;     ///< the placeholder --help shows: INT, SECONDS, HOST:PORT, ...
  std::string meaning;  ///< one line; docs/configuration.md has the long form
  /// The key's value in `config` as a TOML literal ("\"whisper.db\"", "5", "[]").
  std::function<std::string(const server_config&)> value;
};

/// Every documented key, in the order of docs/configuration.md.
const std::vector<config_key_doc>& config_key_docs();

/// The entry for `key`, or null.
const config_key_doc* find_config_key_doc(const std::string& key);

/// A commented whisper.toml naming every key with its meaning and default. Keys whose
/// value in `config` differs from the default are written as set; the others are
/// commented out, so future defaults still apply. `fresh_api_token` is offered
/// (commented out) when no token is set.
std::string sample_config_file(const server_config& config, const std::string& fresh_api_token);

}  // namespace whisper_server
