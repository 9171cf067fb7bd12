"""Starts a real whisper-server for one fault test: a temporary directory with its own
SQLite file and config, users with sessions (bench-users), two rooms, a free port on
127.0.0.1. Only the process started here is ever signalled, by its own PID."""

import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.request

ROOM = 1  # the first room createroom makes
BENCH_PASSWORD = "fault-test-password"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def toml_value(value):
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    return '"%s"' % value


class Server:
    """One whisper-server process. Use as a context manager; `config` adds TOML keys."""

    def __init__(self, binary, users=4, config=None):
        self.binary = os.path.abspath(binary)
        self.users = users
        self.dir = tempfile.mkdtemp(prefix="whisper-faults-")
        self.database = os.path.join(self.dir, "whisper.db")
        self.port = free_port()
        self.cookie_file = os.path.join(self.dir, "cookies.txt")
        self.log_path = os.path.join(self.dir, "server.log")
        self.proc = None
        settings = {
            "database": self.database,
            "listen": "127.0.0.1:%d" % self.port,
            # Cheap hashing: these tests are about faults, not password cost.
            "argon2_time_cost": 1,
            "argon2_memory_kib": 64,
            "argon2_parallelism": 1,
            # Every client of these tests comes from 127.0.0.1, and some open 2,000 at once.
            "max_connections_per_ip": 0,
        }
        settings.update(config or {})
        self.config_path = os.path.join(self.dir, "whisper.toml")
        with open(self.config_path, "w") as f:
            for key, value in settings.items():
                f.write("%s = %s\n" % (key, toml_value(value)))

    def manage(self, *args):
        """Runs a management subcommand to completion (bounded); returns its output."""
        env = dict(os.environ, WHISPER_PASSWORD=BENCH_PASSWORD)
        done = subprocess.run([self.binary, "--config", self.config_path, *args], env=env,
                              capture_output=True, text=True, timeout=120)
        if done.returncode != 0:
            raise RuntimeError("whisper-server %s failed (%d): %s" %
                               (" ".join(args), done.returncode, done.stderr.strip()))
        return done.stdout

    def __enter__(self):
        self.manage("migrate")
        self.manage("createroom", "--title", "Lobby")
        self.manage("createroom", "--title", "Second")
        self.manage("bench-users", "--count", str(self.users), "--prefix", "u",
                    "--cookies", self.cookie_file)
        with open(self.cookie_file) as f:
            self.cookies = [line.strip() for line in f if line.strip()]
        self.log = open(self.log_path, "w")
        self.proc = subprocess.Popen(
            [self.binary, "--config", self.config_path, "runserver", "127.0.0.1:%d" % self.port],
            stdout=self.log, stderr=subprocess.STDOUT)
        self.wait_ready()
        return self

    def __exit__(self, *exc):
        self.stop()
        keep = os.environ.get("WHISPER_FAULTS_KEEP")
        if not keep:
            shutil.rmtree(self.dir, ignore_errors=True)
        else:
            print("kept", self.dir)
        return False

    def wait_ready(self, seconds=30):
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if not self.alive():
                raise RuntimeError("whisper-server exited at start:\n" + self.log_text())
            try:
                if self.get("/healthz")[0] == 200:
                    return
            except OSError:
                pass
            time.sleep(0.1)
        raise RuntimeError("whisper-server did not answer /healthz in %ds" % seconds)

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def stop(self):
        if self.proc is None:
            return
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)  # our own child, by its PID
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=5)
        self.log.close()

    def rss_kib(self):
        """Resident memory of the server (VmRSS from /proc/<pid>/status), in KiB."""
        with open("/proc/%d/status" % self.proc.pid) as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
        raise RuntimeError("no VmRSS for pid %d" % self.proc.pid)

    def open_fds(self):
        return len(os.listdir("/proc/%d/fd" % self.proc.pid))

    def log_text(self):
        try:
            with open(self.log_path, errors="replace") as f:
                return f.read()
        except OSError:
            return ""

    def url(self, path):
        return "http://127.0.0.1:%d%s" % (self.port, path)

    def get(self, path, headers=None, timeout=10):
        return self.request("GET", path, None, headers, timeout)

    def request(self, method, path, body=None, headers=None, timeout=10):
        """(status, headers, body) of one request; redirects are not followed."""
        class NoRedirect(urllib.request.HTTPRedirectHandler):
            def redirect_request(self, *args, **kwargs):
                return None
        opener = urllib.request.build_opener(NoRedirect)
        req = urllib.request.Request(self.url(path), data=body, method=method,
                                     headers=headers or {})
        try:
            with opener.open(req, timeout=timeout) as r:
                return r.status, r.headers, r.read()
        except urllib.error.HTTPError as e:
            return e.code, e.headers, e.read()
