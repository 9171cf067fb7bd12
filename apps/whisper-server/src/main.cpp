// whisper-server's command line: global config options, then one subcommand.
// Operator errors end the program with one sentence on stderr and a non-zero code.
#include <CLI/CLI.hpp>
#include <cctype>
#include <iostream>
#include <map>

#include "cli/management_commands.hpp"
#include "cli/terminal_input.hpp"
#include "net_namespace.hpp"
#include "ops/config.hpp"
#include "ops/config_docs.hpp"
#include "ops/did_you_mean.hpp"
#include "ops/logging.hpp"
#include "run_server.hpp"
#include "store/sqlite_db.hpp"
#include "whisper/asio/server.hpp"
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
  text += net::tls_supported() ? "yes" : "no";
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

// A default as --help shows it: strings without their TOML quotes, unless empty.
std::string help_default(const std::string& toml_literal) {
  const char quote = toml_literal.empty() ? '\0' : toml_literal.front();
  if (toml_literal.size() > 2 && (quote == '"' || quote == '\'')) {
    return toml_literal.substr(1, toml_literal.size() - 2);
  }
  return toml_literal;
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

// The names an operator could have meant: subcommands, or the long options of the
// app and of the subcommand given.
std::vector<std::string> subcommand_names(const CLI::App& app) {
  std::vector<std::string> names;
  for (const auto* sub : app.get_subcommands([](const CLI::App*) { return true; })) {
    names.push_back(sub->get_name());
  }
  return names;
}

std::vector<std::string> option_names(CLI::App& app) {
  std::vector<std::string> names;
  std::vector<CLI::App*> apps = {&app};
  for (auto* sub : app.get_subcommands()) apps.push_back(sub);
  for (auto* each : apps) {
    for (const auto* option : each->get_options()) {
      for (const auto& name : option->get_lnames()) names.push_back("--" + name);
    }
  }
  return names;
}

// A command line CLI11 refused. Help and --version end with 0; every usage error with 2
// (docs/configuration.md), and a mistyped command or option is answered with the name
// that was probably meant.
int usage_error(CLI::App& app, const CLI::ParseError& e) {
  if (e.get_exit_code() == 0) return app.exit(e);
  for (const auto& arg : app.remaining()) {
    if (arg.rfind("--", 0) == 0) {
      const std::string name = arg.substr(0, arg.find('='));
      std::cerr << "whisper-server: unknown option " << name
                << did_you_mean(name, option_names(app)) << "; see whisper-server --help\n";
      return 2;
    }
    if (arg.front() != '-' && app.get_subcommands().empty()) {
      std::cerr << "whisper-server: unknown command '" << arg << "'"
                << did_you_mean(arg, subcommand_names(app)) << "; see whisper-server --help\n";
      return 2;
    }
  }
  app.exit(e);
  return 2;
}

// The listen address with another port, for the advice in a bind error.
std::string listen_advice(const std::string& listen) {
  return "choose another with `whisper-server runserver HOST:PORT`, or set listen (config "
         "file, WHISPER_LISTEN or --listen; now \"" +
         listen + "\")";
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
      ->envname("WHISPER_CONFIG")
      ->type_name("FILE");
  const server_config defaults;
  for (const auto& key : config_keys()) {
    auto* option = app.add_option(flag_name(key), cli.flag_values[key])->group("Config overrides");
    if (const config_key_doc* doc = find_config_key_doc(key)) {
      option->description(doc->meaning + " " + env_hint(key))
          ->type_name(doc->type)
          ->default_str(help_default(doc->value(defaults)));
    } else {
      option->description("config key " + key + " " + env_hint(key));
    }
    cli.flag_options[key] = option;
  }

  std::function<int(const server_config&)> action;

  app.add_subcommand("migrate", "Create or upgrade the database schema")->callback([&] {
    action = command_migrate;
  });

  auto* superuser =
      app.add_subcommand("createsuperuser", "Create a staff user (asks for a password)");
  auto super_opts = std::make_shared<new_user_options>();
  super_opts->superuser = true;
  superuser->add_option("--username", super_opts->username, "Username (asked if omitted)")
      ->type_name("NAME");
  superuser->add_option("--name", super_opts->name, "Display name")->type_name("TEXT");
  superuser->add_flag("--no-input", super_opts->no_input,
                      "Do not prompt: password from WHISPER_PASSWORD or stdin");
  superuser->callback([&] {
    action = [=](const server_config& c) { return command_create_user(c, *super_opts); };
  });

  auto* createuser = app.add_subcommand("createuser", "Create a user");
  auto user_opts = std::make_shared<new_user_options>();
  createuser->add_option("username", user_opts->username, "Username")
      ->type_name("NAME")
      ->required();
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
  changepassword->add_option("username", *change_user, "Username")->type_name("NAME")->required();
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
  createroom->add_option("--title", *room_title, "Room title")->type_name("TITLE")->required();
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
  runserver
      ->add_option("address", *listen_override,
                   "Where to listen (default: the listen setting, 127.0.0.1:8000)")
      ->type_name("HOST:PORT");
  // The serving commands log start-up warnings through the server's log (its format),
  // and SIGHUP re-reads the configuration from the same sources.
  serve_context serve;
  bool serving = false;
  auto resolve_for_serving = [&cli, listen_override] {
    server_config resolved = resolve_config(cli);
    if (!listen_override->empty()) resolved.listen = *listen_override;
    validate_config(resolved);
    return resolved;
  };
  runserver->callback([&] {
    serving = true;
    action = [&](const server_config&) { return run_server(resolve_for_serving(), serve); };
  });

  auto* quickstart = app.add_subcommand(
      "quickstart", "Migrate, create an admin and two rooms if there are none, then runserver");
  quickstart
      ->add_option("address", *listen_override, "Where to listen (default: the listen setting)")
      ->type_name("HOST:PORT");
  quickstart->callback([&] {
    serving = true;
    action = [&](const server_config&) {
      const server_config resolved = resolve_for_serving();
      prepare_quickstart(resolved);
      return run_server(resolved, serve);
    };
  });

  auto bench = std::make_shared<bench_users_options>();
  auto* bench_users = app.add_subcommand(
      "bench-users", "Create N users with a session each and write their cookies (load tests)");
  bench_users->add_option("--count", bench->count, "How many users")->type_name("N")->required();
  bench_users->add_option("--prefix", bench->prefix, "Username prefix (users PREFIX1..PREFIXN)")
      ->type_name("PREFIX")
      ->capture_default_str();
  bench_users->add_option("--cookies", bench->cookies_file, "File for the sessionid=... lines")
      ->type_name("FILE")
      ->required();
  bench_users->add_flag("--staff", bench->staff, "Make the users staff");
  bench_users->callback(
      [&] { action = [=](const server_config& c) { return command_bench_users(c, *bench); }; });

  app.add_subcommand("checkconfig",
                     "Check the configuration (file, environment, flags) without starting; "
                     "exit 0 if it is valid, 2 if not")
      ->callback([&] {
        action = [&cli](const server_config& c) { return command_checkconfig(c, cli.config_file); };
      });
  app.add_subcommand("genconfig",
                     "Print a commented whisper.toml with every key, its default and meaning "
                     "(a fresh api_token offered)")
      ->callback([&] { action = command_genconfig; });

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return usage_error(app, e);
  }

  // A fatal error of a serving process whose log is JSON is a JSON line too, so log
  // collectors see why it stopped (before the configuration is known: plain text).
  std::string listen = "127.0.0.1:8000";
  bool json_errors = false;
  auto fail = [&json_errors](const std::string& message, int code) {
    if (json_errors) {
      std::cerr << json_log_line("critical", message) << std::flush;
    } else {
      std::cerr << "whisper-server: " << message << '\n';
    }
    return code;
  };
  try {
    std::vector<std::string> known;
    for (const auto& key : config_keys()) known.push_back(environment_name(key));
    for (const auto& name : unknown_environment_variables()) {
      serve.warnings.push_back("environment variable " + name + " is not a setting and is ignored" +
                               did_you_mean(name, known));
    }
    if (!serving) {
      for (const auto& warning : serve.warnings) {
        std::cerr << "whisper-server: warning: " << warning << '\n';
      }
    }
    serve.config_file = cli.config_file;
    serve.reload = resolve_for_serving;
    const server_config config = resolve_config(cli);
    listen = listen_override->empty() ? config.listen : *listen_override;
    json_errors = serving && config.log_format == "json";
    return action(config);
  } catch (const config_error& e) {
    return fail(std::string("configuration error: ") + e.what(), 2);
  } catch (const whisper_server::net::bind_error& e) {
    return fail(std::string(e.what()) + ": " + listen_advice(listen), 1);
  } catch (const std::exception& e) {
    // tls_error, database_error, command_error, input_error and the unexpected: the
    // message is the sentence.
    return fail(e.what(), 1);
  }
}
