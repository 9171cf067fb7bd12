// whisper-server's command line: global config options, then one subcommand.
// Operator errors end the program with one sentence on stderr and a non-zero code.
#include <CLI/CLI.hpp>
#include <cctype>
#include <iostream>
#include <map>

#include "config.hpp"
#include "management_commands.hpp"
#include "net/server.hpp"
#include "run_server.hpp"
#include "sqlite_db.hpp"
#include "terminal_input.hpp"
#include "whisper/version.hpp"

namespace {

using namespace whisper_server;

struct cli_state {
  std::string config_file;
  std::map<std::string, std::string> flag_values;  // key -> text, for flags given
  std::map<std::string, CLI::Option*> flag_options;
};

// "--version": the release and the optional features compiled in, so an operator can
// tell whether TLS or the Redis layer are available without trying them.
std::string version_text() {
  std::string text = std::string("whisper-server ") + whisper::version + " (TLS: ";
#ifdef WHISPER_HAVE_TLS
  text += "yes";
#else
  text += "no";
#endif
  text += ", Redis layer: ";
#ifdef WHISPER_HAVE_REDIS_LAYER
  text += "yes";
#else
  text += "no";
#endif
  return text + ")";
}

std::string flag_name(std::string key) {
  for (auto& ch : key) ch = ch == '_' ? '-' : ch;
  return "--" + key;
}

std::string env_hint(const std::string& key) {
  std::string name = "(env WHISPER_";
  for (char ch : key) name += static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  return name + ")";
}

// Defaults < file < environment < flags.
server_config resolve_config(const cli_state& cli) {
  server_config config;
  if (!cli.config_file.empty()) apply_config_file(config, cli.config_file);
  apply_config_environment(config);
  for (const auto& [key, option] : cli.flag_options) {
    if (option->count() > 0) {
      apply_config_text(config, key, cli.flag_values.at(key), "option " + flag_name(key));
    }
  }
  validate_config(config);
  return config;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{
      "whisper-server: multi-room chat server (the whisper reimplementation of the "
      "Django Channels multichat example)"};
  app.set_version_flag("--version", version_text());
  app.footer(
      "Settings come from the --config TOML file, then WHISPER_<KEY> environment variables,\n"
      "then the flags above (later wins); every key is described in docs/configuration.md.\n"
      "Examples:\n"
      "  whisper-server quickstart                      # try it: migrate, admin, rooms, serve\n"
      "  whisper-server --config /etc/whisper.toml runserver 0.0.0.0:8000\n"
      "  whisper-server <subcommand> --help             # options of one subcommand");
  app.require_subcommand(1);
  app.fallthrough();

  cli_state cli;
  app.add_option("--config", cli.config_file, "TOML configuration file (docs/configuration.md)")
      ->envname("WHISPER_CONFIG");
  for (const auto& key : config_keys()) {
    cli.flag_options[key] = app.add_option(flag_name(key), cli.flag_values[key],
                                           "Config key " + key + " " + env_hint(key))
                                ->group("Config overrides");
  }

  std::function<int(const server_config&)> action;

  app.add_subcommand("migrate", "Create or upgrade the database schema")->callback([&] {
    action = command_migrate;
  });

  auto* superuser =
      app.add_subcommand("createsuperuser", "Create a staff user (asks for a password)");
  auto super_opts = std::make_shared<new_user_options>();
  super_opts->superuser = true;
  superuser->add_option("--username", super_opts->username, "Username (asked if omitted)");
  superuser->add_option("--name", super_opts->name, "Display name");
  superuser->add_flag("--no-input", super_opts->no_input,
                      "Do not prompt: password from WHISPER_PASSWORD or stdin");
  superuser->callback([&] {
    action = [=](const server_config& c) { return command_create_user(c, *super_opts); };
  });

  auto* createuser = app.add_subcommand("createuser", "Create a user");
  auto user_opts = std::make_shared<new_user_options>();
  createuser->add_option("username", user_opts->username, "Username")->required();
  createuser->add_flag("--staff", user_opts->staff, "Make the user staff");
  createuser->add_option("--name", user_opts->name, "Display name");
  createuser->add_flag("--no-input", user_opts->no_input,
                       "Do not prompt: password from WHISPER_PASSWORD or stdin");
  createuser->callback(
      [&] { action = [=](const server_config& c) { return command_create_user(c, *user_opts); }; });

  auto* changepassword =
      app.add_subcommand("changepassword", "Set a user's password (ends their sessions)");
  auto change_user = std::make_shared<std::string>();
  auto change_no_input = std::make_shared<bool>(false);
  changepassword->add_option("username", *change_user, "Username")->required();
  changepassword->add_flag("--no-input", *change_no_input,
                           "Do not prompt: password from WHISPER_PASSWORD or stdin");
  changepassword->callback([&] {
    action = [=](const server_config& c) {
      return command_change_password(c, *change_user, *change_no_input);
    };
  });

  auto* createroom = app.add_subcommand("createroom", "Create a chat room");
  auto room_title = std::make_shared<std::string>();
  auto room_staff = std::make_shared<bool>(false);
  createroom->add_option("--title", *room_title, "Room title")->required();
  createroom->add_flag("--staff-only", *room_staff, "Only staff users may enter");
  createroom->callback([&] {
    action = [=](const server_config& c) {
      return command_create_room(c, *room_title, *room_staff);
    };
  });

  app.add_subcommand("listrooms", "List the rooms")->callback([&] { action = command_list_rooms; });
  app.add_subcommand("listusers", "List the users")->callback([&] { action = command_list_users; });

  auto listen_override = std::make_shared<std::string>();
  auto* runserver = app.add_subcommand("runserver", "Serve HTTP and the chat WebSocket");
  runserver->add_option("address", *listen_override, "ADDR:PORT (default: listen, 127.0.0.1:8000)");
  runserver->callback([&] {
    action = [=](const server_config& c) {
      server_config serving = c;
      if (!listen_override->empty()) serving.listen = *listen_override;
      validate_config(serving);
      return run_server(serving);
    };
  });

  auto* quickstart = app.add_subcommand(
      "quickstart", "Migrate, create an admin and two rooms if there are none, then runserver");
  quickstart->add_option("address", *listen_override, "ADDR:PORT (default: listen)");
  quickstart->callback([&] {
    action = [=](const server_config& c) {
      server_config serving = c;
      if (!listen_override->empty()) serving.listen = *listen_override;
      validate_config(serving);
      prepare_quickstart(serving);
      return run_server(serving);
    };
  });

  auto bench = std::make_shared<bench_users_options>();
  auto* bench_users = app.add_subcommand(
      "bench-users", "Create N users with a session each and write their cookies (load tests)");
  bench_users->add_option("--count", bench->count, "How many users")->required();
  bench_users->add_option("--prefix", bench->prefix, "Username prefix (users PREFIX1..PREFIXN)");
  bench_users->add_option("--cookies", bench->cookies_file, "File for the sessionid=... lines")
      ->required();
  bench_users->add_flag("--staff", bench->staff, "Make the users staff");
  bench_users->callback(
      [&] { action = [=](const server_config& c) { return command_bench_users(c, *bench); }; });

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }

  try {
    return action(resolve_config(cli));
  } catch (const config_error& e) {
    std::cerr << "whisper-server: configuration error: " << e.what() << '\n';
    return 2;
  } catch (const whisper_server::net::tls_error& e) {
    std::cerr << "whisper-server: " << e.what() << '\n';
    return 1;
  } catch (const whisper_server::net::bind_error& e) {
    std::cerr << "whisper-server: " << e.what() << '\n';
    return 1;
  } catch (const database_error& e) {
    std::cerr << "whisper-server: " << e.what() << '\n';
    return 1;
  } catch (const command_error& e) {
    std::cerr << "whisper-server: " << e.what() << '\n';
    return 1;
  } catch (const input_error& e) {
    std::cerr << "whisper-server: " << e.what() << '\n';
    return 1;
  } catch (const std::exception& e) {
    std::cerr << "whisper-server: " << e.what() << '\n';
    return 1;
  }
}
