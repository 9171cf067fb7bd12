"""Interactive management commands on a real pseudo-terminal: prompts, no echo of
passwords, and the mismatch check."""
import os
import pty
import select
import signal
import time

from whisper_fixture import BIN, Env, run_tests

SECRET = "pty-secret-1234"


class Terminal:
    """whisper-server running on a pty; every read is bounded in time."""

    def __init__(self, env, *args):
        self.pid, self.fd = pty.fork()
        if self.pid == 0:  # child
            os.execv(BIN, [BIN, "--config", env.config, *args])
        self.seen = ""

    def expect(self, text, timeout=10):
        deadline = time.monotonic() + timeout
        while text not in self.seen:
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError(f"did not see {text!r}; got {self.seen!r}")
            ready, _, _ = select.select([self.fd], [], [], left)
            if ready:
                try:
                    chunk = os.read(self.fd, 1024)
                except OSError:  # the child closed the terminal
                    chunk = b""
                if not chunk:
                    raise AssertionError(f"ended before {text!r}; got {self.seen!r}")
                self.seen += chunk.decode("utf-8", "replace")

    def type(self, line):
        os.write(self.fd, (line + "\n").encode())

    def wait(self, timeout=15):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:  # keep draining output so the child never blocks on a full pty
                if select.select([self.fd], [], [], 0.05)[0]:
                    self.seen += os.read(self.fd, 1024).decode("utf-8", "replace")
            except OSError:
                pass
            pid, status = os.waitpid(self.pid, os.WNOHANG)
            if pid:
                os.close(self.fd)
                return os.waitstatus_to_exitcode(status)
        os.kill(self.pid, signal.SIGKILL)
        os.waitpid(self.pid, 0)
        raise AssertionError("the command did not finish: " + self.seen)


def test_createsuperuser_prompts_and_does_not_echo_the_password():
    env = Env().migrated()
    term = Terminal(env, "createsuperuser")
    term.expect("Username: ")
    term.type("root")
    term.expect("Password: ")
    term.type(SECRET)
    term.expect("Password (again): ")
    term.type(SECRET)
    assert term.wait() == 0, term.seen
    assert "Superuser 'root' created" in term.seen
    assert SECRET not in term.seen, term.seen
    assert "root" in env.cli_ok("listusers").stdout


def test_createsuperuser_refuses_mismatched_passwords():
    env = Env().migrated()
    term = Terminal(env, "createsuperuser", "--username", "root")
    term.expect("Password: ")
    term.type(SECRET)
    term.expect("Password (again): ")
    term.type(SECRET + "x")
    assert term.wait() != 0
    assert "the two passwords did not match" in term.seen
    assert "root" not in env.cli_ok("listusers").stdout


def test_changepassword_prompts_twice_and_refuses_empty():
    env = Env().migrated()
    env.add_user("carol")
    term = Terminal(env, "changepassword", "carol")
    term.expect("Password: ")
    term.type("")
    term.expect("Password (again): ")
    term.type("")
    assert term.wait() != 0
    assert "must not be empty" in term.seen


if __name__ == "__main__":
    assert BIN, "set WHISPER_SERVER_BIN"
    run_tests(globals())
