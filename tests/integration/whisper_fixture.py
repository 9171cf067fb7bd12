"""Fixture for whisper-server integration tests: a temp database and config, the real
binary on a free loopback port, a cookie-keeping HTTP client and WebSocket helpers.

Every wait is bounded; a test only ever signals the server process it started.
"""
import asyncio
import contextlib
import http.client
import json
import os
import re
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import traceback
import urllib.parse

import websockets

BIN = os.environ.get("WHISPER_SERVER_BIN", "")
PASSWORD = "correct horse battery staple"


def child_environment(extra=None):
    """The environment for the server under test: without any WHISPER_* variable of the
    test run's own (WHISPER_SERVER_BIN, WHISPER_FAULTS_SANITIZED, WHISPER_STAGES...: the
    server warns about WHISPER_* names it does not know, and settings must come from the
    test alone); a test passes the ones it means in `extra`. WHISPER_IO_BACKEND passes
    through: ctest runs the transport's suites once per io backend with it."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("WHISPER_") or k == "WHISPER_IO_BACKEND"}
    env.update(extra or {})
    return env


def listening_socket():
    """A socket listening on a free loopback port (close it when done): a port in use."""
    blocker = socket.socket()
    blocker.bind(("127.0.0.1", 0))
    blocker.listen(1)
    return blocker


class Env:
    """A temp directory with a config file pointing at a temp SQLite database;
    `environment`: WHISPER_* settings every command and server of this Env gets (they
    override the file)."""

    def __init__(self, extra_config="", environment=None):
        self.environment = dict(environment or {})
        self.tmp = tempfile.TemporaryDirectory(prefix="whisper-it-")
        self.dir = self.tmp.name
        self.db = os.path.join(self.dir, "whisper.db")
        self.config = os.path.join(self.dir, "whisper.toml")
        with open(self.config, "w") as f:
            # Cheap Argon2 keeps the suite fast; the cost is not under test here.
            f.write(f'database = "{self.db}"\n'
                    f"argon2_time_cost = 1\nargon2_memory_kib = 64\n{extra_config}\n")

    def cli(self, *args, stdin="", env=None, timeout=30):
        return subprocess.run([BIN, "--config", self.config, *args], input=stdin,
                              capture_output=True, text=True, timeout=timeout,
                              env=child_environment({**self.environment, **(env or {})}))

    def sql(self, statement):
        """Runs one SQL statement on the database as another process would (sqlite3)."""
        with contextlib.closing(sqlite3.connect(self.db, timeout=10)) as db, db:
            db.execute(statement)

    def cli_ok(self, *args, **kwargs):
        result = self.cli(*args, **kwargs)
        assert result.returncode == 0, f"{args} failed: {result.stderr}"
        return result

    def migrated(self):
        self.cli_ok("migrate")
        return self

    def add_user(self, username, staff=False, password=PASSWORD):
        args = ["createuser", username, "--no-input"] + (["--staff"] if staff else [])
        self.cli_ok(*args, stdin=password + "\n")

    def add_room(self, title, staff_only=False):
        out = self.cli_ok("createroom", "--title", title, *(["--staff-only"] if staff_only else []))
        return int(re.search(r"Room (\d+)", out.stdout).group(1))

    def close(self):
        self.tmp.cleanup()


class Server:
    """The real whisper-server, started on 127.0.0.1 with port 0 (the log names the port);
    `environment`: variables for the server (e.g. WHISPER_* settings) beside the usual."""

    def __init__(self, env, *extra_args, command="runserver", environment=None):
        self.lines = []
        self.proc = subprocess.Popen(
            [BIN, "--config", env.config, *extra_args, command, "127.0.0.1:0"],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
            env=child_environment({**env.environment, **(environment or {})}))
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()
        self.port = self._wait_for_port()

    def _read(self):
        for line in self.proc.stdout:
            self.lines.append(line)

    def _wait_for_port(self):
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            for line in list(self.lines):
                m = re.search(r"listening on http://127\.0\.0\.1:(\d+)/", line)
                if m:
                    return int(m.group(1))
            if self.proc.poll() is not None:
                time.sleep(0.1)
                raise AssertionError("server exited early:\n" + "".join(self.lines))
            time.sleep(0.02)
        self.stop()
        raise AssertionError("server did not start:\n" + "".join(self.lines))

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}"

    @property
    def ws_url(self):
        return f"ws://127.0.0.1:{self.port}/chat/stream/"

    def terminate(self, timeout=15):
        """SIGTERM this server (by its PID) and return its exit code."""
        if self.proc.poll() is None:
            os.kill(self.proc.pid, signal.SIGTERM)
        try:
            return self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.kill(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=5)
            raise AssertionError("server did not stop on SIGTERM:\n" + "".join(self.lines))

    def stop(self):
        if self.proc.poll() is None:
            try:
                self.terminate()
            except AssertionError:
                pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()


class Response:
    def __init__(self, status, headers, body):
        self.status = status
        self.headers = headers  # list of (name, value)
        self.body = body

    def header(self, name):
        for k, v in self.headers:
            if k.lower() == name.lower():
                return v
        return None

    def json(self):
        return json.loads(self.body)


class Browser:
    """An HTTP client that keeps cookies, like a browser on one site."""

    def __init__(self, server):
        self.server = server
        self.cookies = {}

    def cookie_header(self):
        return "; ".join(f"{k}={v}" for k, v in self.cookies.items())

    def request(self, method, path, body=None, headers=None):
        conn = http.client.HTTPConnection("127.0.0.1", self.server.port, timeout=15)
        all_headers = {"Host": f"127.0.0.1:{self.server.port}"}
        if self.cookies:
            all_headers["Cookie"] = self.cookie_header()
        all_headers.update(headers or {})
        conn.request(method, path, body=body, headers=all_headers)
        raw = conn.getresponse()
        response = Response(raw.status, raw.getheaders(), raw.read().decode("utf-8", "replace"))
        conn.close()
        for name, value in response.headers:
            if name.lower() == "set-cookie":
                pair = value.split(";")[0]
                key, _, val = pair.partition("=")
                if "Max-Age=0" in value:
                    self.cookies.pop(key, None)
                else:
                    self.cookies[key] = val
        return response

    def get(self, path):
        return self.request("GET", path)

    def post_form(self, path, fields, csrf=True):
        fields = dict(fields)
        if csrf:
            if "csrftoken" not in self.cookies:
                self.get("/accounts/login/")
            fields["csrfmiddlewaretoken"] = self.cookies["csrftoken"]
        return self.request("POST", path, urllib.parse.urlencode(fields),
                            {"Content-Type": "application/x-www-form-urlencoded"})

    def login(self, username, password=PASSWORD, next_path=None):
        page = self.get("/accounts/login/")
        assert page.status == 200, page.status
        fields = {"username": username, "password": password}
        if next_path is not None:
            fields["next"] = next_path
        return self.post_form("/accounts/login/", fields)

    def api(self, method, path, payload=None, token=None):
        headers = {"Content-Type": "application/json"}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        elif method not in ("GET", "HEAD"):
            headers["X-CSRFToken"] = self.cookies.get("csrftoken", "")
        body = None if payload is None else json.dumps(payload)
        return self.request(method, path, body, headers)

    def session(self):
        return self.cookies.get("sessionid")


def logged_in(server, username, password=PASSWORD):
    browser = Browser(server)
    response = browser.login(username, password)
    assert response.status == 302, (response.status, response.body[:300])
    assert browser.session(), "no session cookie after login"
    return browser


async def ws_connect(server, cookie=None, origin=None):
    headers = {"Cookie": cookie} if cookie else {}
    return await asyncio.wait_for(
        websockets.connect(server.ws_url, extra_headers=headers, origin=origin,
                           open_timeout=10, close_timeout=5), 15)


async def ws_send(ws, **command):
    await ws.send(json.dumps(command))


async def ws_recv(ws, timeout=5):
    return json.loads(await asyncio.wait_for(ws.recv(), timeout))


async def ws_recv_until(ws, predicate, timeout=5):
    """Frames until one matches predicate (skipping others); AssertionError on timeout."""
    deadline = time.monotonic() + timeout
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            raise AssertionError("expected frame did not arrive")
        frame = await ws_recv(ws, left)
        if predicate(frame):
            return frame


async def ws_close_code(ws, timeout=10):
    """Waits for the server to close the socket; returns the close code."""
    try:
        await asyncio.wait_for(ws.wait_closed(), timeout)
    except asyncio.TimeoutError:
        raise AssertionError("the server did not close the WebSocket")
    return ws.close_code


def run_tests(namespace):
    """Runs the test_* functions of a module (or the one named in argv[1])."""
    names = sys.argv[1:] or sorted(n for n in namespace if n.startswith("test_"))
    failed = 0
    for name in names:
        started = time.monotonic()
        try:
            namespace[name]()
            print(f"PASS {name} ({time.monotonic() - started:.2f}s)")
        except Exception:
            failed += 1
            print(f"FAIL {name}")
            traceback.print_exc()
    sys.exit(1 if failed else 0)
