// Management commands: schema, accounts and rooms from the command line.
#include "cli/management_commands.hpp"

#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <iomanip>
#include <iostream>

#include "cli/terminal_input.hpp"
#include "http/site.hpp"
#include "store/room_title.hpp"
#include "store/schema.hpp"
#include "store/sqlite_room_directory.hpp"
#include "store/sqlite_session_store.hpp"
#include "store/sqlite_user_store.hpp"
#include "whisper/password.hpp"

namespace whisper_server {
namespace {

whisper::user existing_user(sqlite_user_store& users, const std::string& username) {
  auto found = users.find_by_username(username);
  if (!found) throw command_error("no user named '" + username + "'");
  return *found;
}

}  // namespace

int command_migrate(const server_config& config) {
  // A mistyped path would otherwise quietly make a second, empty database.
  const bool existed = ::access(config.database.c_str(), F_OK) == 0;
  database db(config.database, true);
  const int before = migrate(db);
  if (!existed) {
    std::cout << "Created a new database " << config.database << " (schema version "
              << current_schema_version
              << "): there was no file at that path; if you meant an existing database, "
                 "correct the database setting.\n";
  } else if (before == current_schema_version) {
    std::cout << "Database " << config.database << " is up to date (schema version "
              << current_schema_version << ").\n";
  } else {
    std::cout << "Migrated database " << config.database << " from schema version " << before
              << " to " << current_schema_version << ".\n";
  }
  return 0;
}

int command_create_user(const server_config& config, new_user_options options) {
  auto db = open_migrated_database(config.database);
  sqlite_user_store users(*db);
  if (options.username.empty()) {
    if (options.no_input || !stdin_is_terminal()) {
      throw command_error("--username is required with --no-input");
    }
    options.username = prompt_line("Username: ");
  }
  if (!valid_username(options.username)) {
    throw command_error("invalid username '" + options.username +
                        "': use letters, digits and @.+-_ only, at most 150 characters");
  }
  // Checked before asking for the password, so nobody types one in vain.
  if (users.find_by_username(options.username)) {
    throw command_error("a user named '" + options.username + "' already exists");
  }
  const std::string password = obtain_new_password(options.no_input);
  whisper::user wanted{0, options.username, options.name, options.staff || options.superuser, true};
  try {
    const auto created = users.create(wanted, whisper::hash_password(password, config.argon2));
    std::cout << (options.superuser ? "Superuser" : "User") << " '" << created.username
              << "' created (id " << created.id << (created.is_staff ? ", staff" : "") << ").\n";
  } catch (const whisper::duplicate_username&) {
    throw command_error("a user named '" + options.username + "' already exists");
  }
  return 0;
}

int command_change_password(const server_config& config, const std::string& username,
                            bool no_input) {
  auto db = open_migrated_database(config.database);
  sqlite_user_store users(*db);
  const auto target = existing_user(users, username);
  const std::string password = obtain_new_password(no_input);
  users.set_password_hash(target.id, whisper::hash_password(password, config.argon2));
  // A changed password ends every session, as the API does.
  sqlite_session_store(*db).remove_user(target.id);
  std::cout << "Password changed for user '" << username << "'.\n";
  return 0;
}

int command_create_room(const server_config& config, const std::string& title, bool staff_only) {
  if (auto problem = room_title_problem(title); !problem.empty()) throw command_error(problem);
  auto db = open_migrated_database(config.database);
  sqlite_room_directory rooms(*db);
  const auto created = rooms.create(title, staff_only);
  std::cout << "Room " << created.id << " '" << created.title << "' created"
            << (created.staff_only ? " (staff only)" : "") << ".\n";
  return 0;
}

int command_list_rooms(const server_config& config) {
  auto db = open_migrated_database(config.database);
  sqlite_room_directory rooms(*db);
  std::cout << std::left << std::setw(6) << "id" << std::setw(12) << "staff_only"
            << "title\n";
  for (const auto& r : rooms.list()) {
    std::cout << std::setw(6) << r.id << std::setw(12) << (r.staff_only ? "yes" : "no") << r.title
              << '\n';
  }
  return 0;
}

int command_list_users(const server_config& config) {
  auto db = open_migrated_database(config.database);
  sqlite_user_store users(*db);
  std::cout << std::left << std::setw(6) << "id" << std::setw(24) << "username" << std::setw(7)
            << "staff" << std::setw(8) << "active"
            << "name\n";
  for (const auto& u : users.list()) {
    std::cout << std::setw(6) << u.id << std::setw(24) << u.username << std::setw(7)
              << (u.is_staff ? "yes" : "no") << std::setw(8) << (u.is_active ? "yes" : "no")
              << u.name << '\n';
  }
  return 0;
}

int command_bench_users(const server_config& config, const bench_users_options& options) {
  if (options.count <= 0) throw command_error("--count must be a positive number");
  if (!valid_username(options.prefix + std::to_string(options.count))) {
    throw command_error("--prefix '" + options.prefix + "' does not make valid usernames");
  }
  std::ofstream cookies(options.cookies_file, std::ios::trunc);
  if (!cookies) throw command_error("cannot write cookie file " + options.cookies_file);
  auto db = open_migrated_database(config.database);
  // One hash for every user: Argon2 per user would take minutes for thousands.
  const char* env = std::getenv("WHISPER_PASSWORD");
  const std::string hash = whisper::hash_password(env ? env : "bench-password", config.argon2);
  const std::int64_t expires = unix_seconds_now() + config.session_lifetime.count();
  auto guard = db->lock();
  db->exec("BEGIN IMMEDIATE");
  try {
    // Prepared once, reset per row: thousands of users take well under a second.
    statement insert(*db,
                     "INSERT INTO users (username, name, password_hash, is_staff, is_active, "
                     "date_joined) VALUES (?, '', ?, ?, 1, ?) ON CONFLICT(username) DO UPDATE "
                     "SET is_active = 1 RETURNING id");
    statement add_session(*db, "INSERT INTO sessions (id, user_id, expires_at) VALUES (?, ?, ?)");
    for (int i = 1; i <= options.count; ++i) {
      insert.reset();
      insert.bind(1, options.prefix + std::to_string(i)).bind(2, hash).bind(3, options.staff);
      insert.bind(4, unix_seconds_now());
      insert.step();
      const std::int64_t id = insert.column_int(0);
      const std::string session = whisper::random_token();
      add_session.reset();
      add_session.bind(1, session).bind(2, id).bind(3, expires).run();
      cookies << config.cookie_name << '=' << session << '\n';
    }
    // A statement with RETURNING stays "in progress" until reset; COMMIT would refuse.
    insert.reset();
    db->exec("COMMIT");
  } catch (...) {
    db->exec("ROLLBACK");
    throw;
  }
  if (!cookies.flush()) throw command_error("cannot write cookie file " + options.cookies_file);
  std::cout << "Created " << options.count << " users '" << options.prefix << "1'..'"
            << options.prefix << options.count << "' with a session each; cookies in "
            << options.cookies_file << ".\n";
  return 0;
}

void prepare_quickstart(const server_config& config) {
  {
    database db(config.database, true);
    if (migrate(db) != current_schema_version) {
      std::cout << "Migrated database " << config.database << ".\n";
    }
  }
  auto db = open_migrated_database(config.database);
  sqlite_user_store users(*db);
  if (users.count() == 0) {
    const std::string password = whisper::random_token(12);
    users.create(whisper::user{0, "admin", "Administrator", true, true},
                 whisper::hash_password(password, config.argon2));
    // Shown once, never stored in clear or logged.
    std::cout << "Created superuser 'admin' with password: " << password
              << "\n(write it down: it is not shown again; change it with "
                 "`whisper-server changepassword admin`)\n";
  }
  sqlite_room_directory rooms(*db);
  if (rooms.list().empty()) {
    rooms.create("Lobby", false);
    rooms.create("Staff", true);
    std::cout << "Created rooms 'Lobby' and 'Staff' (staff only).\n";
  }
  std::cout << std::flush;
}

}  // namespace whisper_server
