// In-process checks of the server's SQLite side that a black-box test reaches only
// slowly or not at all: the database file guard's states and log lines, and the
// prepared statements kept per connection, which must never serve stale rows.
#include <doctest/doctest.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>
#include <stdlib.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>

#include "store/database_file_guard.hpp"
#include "store/schema.hpp"
#include "store/sqlite_db.hpp"
#include "store/sqlite_session_store.hpp"
#include "store/sqlite_user_store.hpp"

using namespace std::chrono_literals;

namespace {

// A temporary directory holding one file, and a logger writing into a string.
struct guarded_file {
  guarded_file() {
    char pattern[] = "/tmp/whisper-guard-XXXXXX";
    dir = ::mkdtemp(pattern);
    path = dir + "/whisper.db";
    std::ofstream(path) << "the database";
    log = std::make_shared<spdlog::logger>("guard",
                                           std::make_shared<spdlog::sinks::ostream_sink_mt>(lines));
    log->set_pattern("%l %v");
  }
  ~guarded_file() {
    for (const char* name :
         {"/whisper.db", "/away.db", "/copy.db", "/users.db", "/users.db-wal", "/users.db-shm"}) {
      std::remove((dir + name).c_str());
    }
    ::rmdir(dir.c_str());
  }
  std::size_t count(const std::string& text) const {
    std::size_t found = 0;
    std::istringstream in(lines.str());
    for (std::string line; std::getline(in, line);) found += line.find(text) != std::string::npos;
    return found;
  }

  std::string dir, path;
  std::ostringstream lines;
  std::shared_ptr<spdlog::logger> log;
};

}  // namespace

TEST_CASE("the guard reports a renamed-away database file once and its return once") {
  using whisper_server::database_file_state;
  guarded_file file;
  whisper_server::database_file_guard guard(file.path, file.log, 1h);
  CHECK(guard.check() == database_file_state::ok);
  REQUIRE(std::rename(file.path.c_str(), (file.dir + "/away.db").c_str()) == 0);
  CHECK(guard.check() == database_file_state::missing);
  CHECK(guard.check() == database_file_state::missing);
  CHECK(guard.last() == database_file_state::missing);
  CHECK(guard.reason(database_file_state::missing).find(file.path) != std::string::npos);
  CHECK(file.count("error") == 1);
  CHECK(file.count("whisper-server migrate") == 1);
  REQUIRE(std::rename((file.dir + "/away.db").c_str(), file.path.c_str()) == 0);
  CHECK(guard.check() == database_file_state::ok);
  CHECK(file.count("is back") == 1);
}

TEST_CASE("the guard refuses a file with the same name but another inode") {
  using whisper_server::database_file_state;
  guarded_file file;
  whisper_server::database_file_guard guard(file.path, file.log, 1h);
  std::ofstream(file.dir + "/copy.db") << "the database";
  REQUIRE(std::rename((file.dir + "/copy.db").c_str(), file.path.c_str()) == 0);
  CHECK(guard.check() == database_file_state::replaced);
  CHECK(guard.reason(database_file_state::replaced).find("replaced") != std::string::npos);
  CHECK(file.count("was replaced") == 1);
}

TEST_CASE("the guard's own timer notices a removed file without being asked") {
  using whisper_server::database_file_state;
  guarded_file file;
  whisper_server::database_file_guard guard(file.path, file.log, 10ms);
  REQUIRE(std::remove(file.path.c_str()) == 0);
  // Bounded: the watcher checks every 10 ms; give it up to 5 s on a loaded machine.
  for (int i = 0; i < 500 && guard.last() == database_file_state::ok; ++i)
    std::this_thread::sleep_for(10ms);
  CHECK(guard.last() == database_file_state::missing);
}

TEST_CASE("a path that cannot be opened as a file is never reported missing") {
  guarded_file file;
  whisper_server::database_file_guard guard(":memory:", file.log, 1h);
  CHECK(guard.check() == whisper_server::database_file_state::ok);
}

TEST_CASE("a kept user lookup sees another connection's deactivation and deletion at once") {
  guarded_file file;
  const std::string path = file.dir + "/users.db";
  whisper_server::database db(path, true);
  whisper_server::migrate(db);
  // No cache (recheck 0): the prepared statement itself must not answer from a stale snapshot.
  whisper_server::sqlite_user_store users(db, std::chrono::seconds(0));
  const auto alice = users.create({0, "alice", "Alice", false, true}, "hash");
  REQUIRE(users.find(alice.id));
  CHECK(users.find(alice.id)->is_active);
  CHECK(users.find_by_username("alice"));
  CHECK(db.cached_statements() == 2);  // reused, not prepared per call

  // Another process (a CLI command) changes the row: no stale snapshot may answer.
  whisper_server::database other(path, false);
  other.exec("UPDATE users SET is_active = 0 WHERE username = 'alice'");
  CHECK_FALSE(users.find(alice.id)->is_active);
  other.exec("DELETE FROM users WHERE username = 'alice'");
  CHECK_FALSE(users.find(alice.id));
  CHECK_FALSE(users.find_by_username("alice"));
  CHECK(db.cached_statements() == 2);
}

TEST_CASE("the user cache: own changes at once, another process's after drop_cache") {
  guarded_file file;
  const std::string path = file.dir + "/cached-users.db";
  whisper_server::database db(path, true);
  whisper_server::migrate(db);
  whisper_server::sqlite_user_store users(db);
  auto alice = users.create({0, "alice", "Alice", false, true}, "hash");
  REQUIRE(users.find(alice.id));

  // This process's update and removal evict the cached user at once.
  alice.is_staff = true;
  REQUIRE(users.update(alice));
  CHECK(users.find(alice.id)->is_staff);

  // Another process's change: account_watch notices it (PRAGMA data_version) and drops
  // the cache before it re-checks the open connections.
  whisper_server::database other(path, false);
  other.exec("UPDATE users SET is_active = 0 WHERE username = 'alice'");
  users.drop_cache();
  CHECK_FALSE(users.find(alice.id)->is_active);

  REQUIRE(users.remove(alice.id));
  CHECK_FALSE(users.find(alice.id));
}

TEST_CASE("a kept session lookup sees a logout by another connection once rechecked") {
  guarded_file file;
  const std::string path = file.dir + "/users.db";
  whisper_server::database db(path, true);
  whisper_server::migrate(db);
  whisper_server::sqlite_user_store users(db);
  const auto bob = users.create({0, "bob", "Bob", false, true}, "hash");
  // recheck 0: every lookup goes to the database, through the kept statement.
  whisper_server::sqlite_session_store sessions(db, 0s);
  const std::string first = sessions.create(bob.id, 1h);
  const std::string second = sessions.create(bob.id, 1h);
  CHECK(sessions.lookup(first) == bob.id);
  CHECK(sessions.lookup(second) == bob.id);  // new bindings replace the old ones
  CHECK(sessions.lookup("not-a-session").has_value() == false);
  whisper_server::database other(path, false);
  other.exec("DELETE FROM sessions WHERE id = '" + first + "'");
  CHECK_FALSE(sessions.lookup(first));
  CHECK(sessions.lookup(second) == bob.id);
  // This process's own logout: gone at once too.
  sessions.remove(second);
  CHECK_FALSE(sessions.lookup(second));
}
