"""whisper-server's command line: every subcommand's happy path and its main error."""
import os
import re
import socket
import subprocess

from whisper_fixture import BIN, PASSWORD, Env, Server, listening_socket, run_tests


def fresh():
    return Env().migrated()


def test_version_and_help_of_every_subcommand():
    env = Env()
    out = env.cli("--version")
    assert out.returncode == 0 and re.search(r"whisper-server \d+\.\d+\.\d+", out.stdout), out
    for sub in ["migrate", "createsuperuser", "createuser", "changepassword", "createroom",
                "listrooms", "listusers", "runserver", "bench-users", "quickstart",
                "checkconfig", "genconfig"]:
        result = env.cli(sub, "--help")
        assert result.returncode == 0 and "Usage" in result.stdout, (sub, result.stderr)


def test_migrate_creates_schema_and_is_idempotent():
    env = Env()
    # A path with no file gets a new database, and migrate says so (a mistyped path).
    first = env.cli_ok("migrate")
    assert f"Created a new database {env.db} (schema version 1)" in first.stdout, first.stdout
    assert "there was no file at that path" in first.stdout
    again = env.cli_ok("migrate")
    assert "Created" not in again.stdout and "up to date" in again.stdout, again.stdout
    # An existing file without the schema is migrated in place.
    empty = Env()
    open(empty.db, "w").close()
    assert "from schema version 0 to 1" in empty.cli_ok("migrate").stdout


def test_commands_on_unmigrated_database_explain_how_to_fix():
    env = Env()
    for args in (["listrooms"], ["listusers"], ["runserver", "127.0.0.1:0"]):
        result = env.cli(*args)
        assert result.returncode != 0, args
        assert (f"database {env.db} does not exist: create it with `whisper-server migrate`, or "
                "correct the database path") in result.stderr, result.stderr
    # A file that exists but has no schema yet is "not migrated".
    open(env.db, "w").close()
    result = env.cli("listrooms")
    assert f"database {env.db} is not migrated: run `whisper-server migrate`" in result.stderr, \
        result.stderr


def test_database_in_a_missing_directory_is_named():
    env = Env()
    missing_dir = os.path.join(env.dir, "no-such-dir")
    for args in (["migrate"], ["listrooms"]):
        result = env.cli("--database", os.path.join(missing_dir, "whisper.db"), *args)
        assert result.returncode == 1, result
        assert f"the directory {missing_dir} of database" in result.stderr, result.stderr
        assert "does not exist" in result.stderr and "unable to open" not in result.stderr


def as_unprivileged(command):
    """The command run as an ordinary user: root ignores file permissions."""
    if os.geteuid() != 0:
        return command
    return ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", *command]


def test_read_only_database_file_or_directory_is_explained():
    env = fresh()
    os.chmod(env.dir, 0o755)  # the unprivileged user must reach the file
    env.add_room("Lobby")
    os.chmod(env.config, 0o644)
    if os.geteuid() == 0:
        os.chown(env.db, 65534, 65534)
        os.chown(env.dir, 65534, 65534)
    run = lambda: subprocess.run(as_unprivileged([BIN, "--config", env.config, "createroom",
                                                  "--title", "Other"]),
                                 capture_output=True, text=True, timeout=30)
    try:
        os.chmod(env.db, 0o444)
        result = run()
        assert result.returncode == 1, result
        assert f"database {env.db} is read-only for the user whisper-server runs as" in \
            result.stderr, result.stderr
        os.chmod(env.db, 0o644)
        for leftover in ("-wal", "-shm"):
            if os.path.exists(env.db + leftover):
                os.remove(env.db + leftover)
        os.chmod(env.dir, 0o555)
        result = run()
        assert result.returncode == 1, result
        assert f"the directory {env.dir} of database {env.db} is read-only" in result.stderr, \
            result.stderr
        assert "-wal" in result.stderr, result.stderr
    finally:
        os.chmod(env.dir, 0o755)


def test_createsuperuser_reads_password_from_stdin_or_environment():
    env = fresh()
    out = env.cli_ok("createsuperuser", "--username", "root", "--no-input", stdin=PASSWORD + "\n")
    assert "Superuser 'root' created" in out.stdout
    env.cli_ok("createsuperuser", "--username", "root2", "--no-input",
               env={"WHISPER_PASSWORD": "from-env"})
    listing = env.cli_ok("listusers").stdout
    assert re.search(r"root\s+yes\s+yes", listing), listing
    assert re.search(r"root2\s+yes\s+yes", listing), listing


def test_createsuperuser_without_password_or_username_fails():
    env = fresh()
    result = env.cli("createsuperuser", "--username", "root", "--no-input")
    assert result.returncode != 0 and "no password given" in result.stderr, result.stderr
    result = env.cli("createsuperuser", "--no-input", stdin="x\n")
    assert result.returncode != 0 and "--username is required" in result.stderr, result.stderr


def test_createuser_and_duplicate_username():
    env = fresh()
    out = env.cli_ok("createuser", "bob", "--name", "Bob B.", "--no-input", stdin="pw\n")
    assert "User 'bob' created" in out.stdout
    dup = env.cli("createuser", "bob", "--no-input", stdin="pw\n")
    assert dup.returncode != 0 and "a user named 'bob' already exists" in dup.stderr, dup.stderr
    listing = env.cli_ok("listusers").stdout
    assert re.search(r"bob\s+no\s+yes\s+Bob B\.", listing), listing


def test_changepassword_and_unknown_user():
    env = fresh()
    env.add_user("carol")
    out = env.cli_ok("changepassword", "carol", "--no-input", stdin="new-password\n")
    assert "Password changed for user 'carol'" in out.stdout
    missing = env.cli("changepassword", "nobody", "--no-input", stdin="x\n")
    assert missing.returncode != 0 and "no user named 'nobody'" in missing.stderr


def test_createroom_and_listrooms():
    env = fresh()
    env.cli_ok("createroom", "--title", "Lobby")
    env.cli_ok("createroom", "--title", "Staff", "--staff-only")
    listing = env.cli_ok("listrooms").stdout
    assert re.search(r"1\s+no\s+Lobby", listing) and re.search(r"2\s+yes\s+Staff", listing), listing
    missing = env.cli("createroom")
    assert missing.returncode != 0 and "--title" in missing.stderr


def test_bench_users_writes_one_cookie_per_user():
    env = fresh()
    cookies = os.path.join(env.dir, "cookies.txt")
    env.cli_ok("bench-users", "--count", "50", "--prefix", "load", "--cookies", cookies)
    lines = open(cookies).read().splitlines()
    assert len(lines) == 50 and len(set(lines)) == 50
    assert all(re.fullmatch(r"sessionid=[0-9a-f]{64}", line) for line in lines), lines[:3]
    assert "load50" in env.cli_ok("listusers").stdout
    bad = env.cli("bench-users", "--count", "0", "--cookies", cookies)
    assert bad.returncode != 0 and "--count must be a positive number" in bad.stderr


def test_malformed_config_names_file_and_line():
    env = Env()
    with open(env.config, "a") as f:
        f.write("threads = \n")
    result = env.cli("listrooms")
    assert result.returncode == 2, result
    assert re.search(re.escape(env.config) + r":\d+:", result.stderr), result.stderr


def test_wrong_config_value_and_unknown_key_are_refused():
    env = Env()
    with open(env.config, "a") as f:
        f.write('threads = "many"\n')
    result = env.cli("listrooms")
    assert result.returncode == 2 and "threads: expected an integer" in result.stderr, result.stderr
    env2 = Env()
    with open(env2.config, "a") as f:
        f.write('colour = "blue"\n')
    result = env2.cli("listrooms")
    assert result.returncode == 2 and "unknown key 'colour'" in result.stderr, result.stderr


def test_unreadable_config_file_is_reported():
    env = Env()
    missing = os.path.join(env.dir, "missing.toml")
    result = subprocess.run([BIN, "--config", missing, "listrooms"], capture_output=True,
                            text=True, timeout=30)
    assert result.returncode == 2 and f"cannot read config file {missing}" in result.stderr, \
        result.stderr


def test_flags_override_environment_override_file():
    env = fresh()
    other_db = os.path.join(env.dir, "other.db")
    # The environment moves the database; the flag moves it back.
    result = env.cli("listrooms", env={"WHISPER_DATABASE": other_db})
    assert result.returncode != 0 and other_db in result.stderr
    env.cli_ok("--database", env.db, "listrooms", env={"WHISPER_DATABASE": other_db})


def test_config_file_can_come_from_whisper_config():
    env = fresh()
    env.cli_ok("createroom", "--title", "FromEnv")
    result = subprocess.run([BIN, "listrooms"], capture_output=True, text=True, timeout=30,
                            env={**os.environ, "WHISPER_CONFIG": env.config}, cwd=env.dir)
    assert result.returncode == 0 and "FromEnv" in result.stdout, result.stderr


def test_redis_layer_that_cannot_work_is_a_clear_error():
    env = fresh()
    closed = socket.socket()
    closed.bind(("127.0.0.1", 0))
    port = closed.getsockname()[1]
    closed.close()  # nothing listens there now
    result = env.cli("--channel-layer", "redis", "--redis-url", f"redis://127.0.0.1:{port}/0",
                     "runserver", "127.0.0.1:0", timeout=30)
    assert result.returncode != 0, result.stderr
    # Without the Redis layer in the build, or with it and no Redis: one clear sentence.
    assert ("needs a build with WHISPER_WITH_REDIS" in result.stderr or
            f"127.0.0.1:{port}" in result.stderr), result.stderr


def test_port_in_use_gives_a_clear_error():
    env = fresh()
    with listening_socket() as blocker:
        port = blocker.getsockname()[1]
        result = env.cli("runserver", f"127.0.0.1:{port}", timeout=20)
    assert result.returncode != 0, result.stdout
    assert str(port) in result.stderr and "in use" in result.stderr, result.stderr


def test_listen_errors_name_the_options_that_exist():
    env = fresh()
    with listening_socket() as blocker:
        in_use = env.cli("runserver", f"127.0.0.1:{blocker.getsockname()[1]}", timeout=20)
    # 192.0.2.1 (TEST-NET-1) is never an address of this machine.
    foreign = env.cli("runserver", "192.0.2.1:8000", timeout=20)
    for result in (in_use, foreign):
        assert result.returncode == 1, result
        assert "--port" not in result.stderr and "--address" not in result.stderr, result.stderr
        assert "whisper-server runserver HOST:PORT" in result.stderr, result.stderr
        assert "WHISPER_LISTEN" in result.stderr and "--listen" in result.stderr, result.stderr
    assert "192.0.2.1 is not an address of this machine" in foreign.stderr, foreign.stderr


def test_mistyped_command_or_option_gets_a_suggestion_and_exit_code_2():
    env = fresh()
    typo = env.cli("runservr", "127.0.0.1:0")
    assert typo.returncode == 2, typo
    assert "unknown command 'runservr' (did you mean 'runserver'?)" in typo.stderr, typo.stderr
    option = env.cli("--databse", env.db, "listrooms")
    assert option.returncode == 2, option
    assert "unknown option --databse (did you mean '--database'?)" in option.stderr, option.stderr
    # Every other usage error exits 2 too, as docs/configuration.md says.
    assert env.cli("createroom").returncode == 2
    assert env.cli().returncode == 2
    assert env.cli("--help").returncode == 0


def test_help_shows_each_flags_meaning_type_and_default():
    out = Env().cli("--help").stdout
    for expected in ("--listen HOST:PORT=127.0.0.1:8000", "--threads INT=0",
                     "--session-lifetime SECONDS=1209600", "--log-format plain|json=plain",
                     "--signup-enabled BOOL=false", "--max-message-bytes BYTES=4096"):
        assert expected in out, (expected, out)
    assert "network threads; 0: one per core" in out, out
    # No config flag is described by CLI11's placeholder alone any more.
    assert not re.search(r"--[a-z0-9-]+ TEXT\b", out), out
    # Subcommands name what their arguments are, too.
    env = Env()
    for command, expected in (("createroom", "--title TITLE"), ("runserver", "address HOST:PORT"),
                              ("changepassword", "username NAME"),
                              ("bench-users", "--cookies FILE")):
        out = env.cli(command, "--help").stdout
        assert expected in out, (command, expected, out)


def test_quickstart_creates_admin_once_and_rooms():
    env = Env()
    server = Server(env, command="quickstart")
    try:
        output = "".join(server.lines)
        assert re.search(r"Created superuser 'admin' with password: \S+", output), output
        assert "Created rooms 'Lobby' and 'Staff'" in output
    finally:
        assert server.terminate() == 0
    again = Server(env, command="quickstart")
    try:
        assert "Created superuser" not in "".join(again.lines)
    finally:
        again.terminate()
    listing = env.cli_ok("listrooms").stdout
    assert "Lobby" in listing and "Staff" in listing


if __name__ == "__main__":
    assert BIN, "set WHISPER_SERVER_BIN"
    run_tests(globals())
