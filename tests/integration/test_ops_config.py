"""Operations settings of the real binary: --version names the optional features, help
points to the docs, the connection-limit and TLS keys are read and checked, and a TLS
configuration serves HTTPS, says so in the startup line, and sends HSTS (over TLS only)."""
import asyncio
import json
import os
import re
import signal
import socket
import ssl
import subprocess
import http.client
import threading
import time

import websockets

from whisper_fixture import (BIN, Browser, Env, Server, listening_socket, logged_in, run_tests,
                             ws_connect, ws_recv, ws_send)


def test_version_names_the_optional_features():
    out = Env().cli("--version")
    assert out.returncode == 0, out
    assert re.fullmatch(r"whisper-server \d+\.\d+\.\d+\S* \(TLS: (yes|no), Redis layer: (yes|no)\)\n",
                        out.stdout), out.stdout


def test_help_points_to_the_configuration_docs_and_lists_new_keys():
    out = Env().cli("--help")
    assert out.returncode == 0, out
    assert "docs/configuration.md" in out.stdout
    for flag in ("--metrics", "--login-failures-per-minute", "--login-failures-per-minute-per-ip",
                 "--max-connections-per-user", "--max-connections-per-ip", "--tls-cert-file",
                 "--tls-key-file"):
        assert flag in out.stdout, flag


def test_connection_limit_keys_are_checked_like_every_integer():
    env = Env().migrated()
    assert env.cli("--max-connections-per-ip", "0", "--max-connections-per-user", "3",
                   "listrooms").returncode == 0
    bad = env.cli("--max-connections-per-user", "-1", "listrooms")
    assert bad.returncode == 2 and "max-connections-per-user" in bad.stderr, bad.stderr
    bad = env.cli("listrooms", env={"WHISPER_MAX_CONNECTIONS_PER_IP": "many"})
    assert bad.returncode == 2 and "WHISPER_MAX_CONNECTIONS_PER_IP" in bad.stderr, bad.stderr


def test_metrics_key_accepts_only_its_modes():
    env = Env().migrated()
    bad = env.cli("--metrics", "everyone", "listrooms")
    assert bad.returncode == 2 and "metrics must be" in bad.stderr, bad.stderr


def test_tls_certificate_without_key_is_a_configuration_error():
    env = Env().migrated()
    bad = env.cli("--tls-cert-file", "/nonexistent.pem", "listrooms")
    assert bad.returncode == 2 and "tls_cert_file and tls_key_file" in bad.stderr, bad.stderr


def test_message_limit_larger_than_frame_limit_is_a_configuration_error():
    env = Env().migrated()
    bad = env.cli("--max-message-bytes", "70000", "listrooms")
    assert bad.returncode == 2, bad
    assert "max_message_bytes (70000) is larger than max_frame_bytes (65536)" in bad.stderr, \
        bad.stderr
    assert env.cli("--max-message-bytes", "70000", "--max-frame-bytes", "70000",
                   "listrooms").returncode == 0


def test_unknown_whisper_environment_variable_is_warned_about():
    env = Env().migrated()
    result = env.cli("listrooms", env={"WHISPER_DATABSE": "/tmp/other.db"})
    assert result.returncode == 0, result
    assert ("environment variable WHISPER_DATABSE is not a setting and is ignored "
            "(did you mean 'WHISPER_DATABASE'?)") in result.stderr, result.stderr
    clean = env.cli("listrooms", env={"WHISPER_DATABASE": env.db})
    assert "warning" not in clean.stderr, clean.stderr


def test_checkconfig_validates_without_starting():
    env = Env()
    ok = env.cli("checkconfig")
    assert ok.returncode == 0 and "Configuration OK" in ok.stdout, ok
    assert f"config file {env.config}" in ok.stdout and env.db in ok.stdout, ok.stdout
    assert "migrate" in ok.stdout  # the database does not exist yet
    bad = env.cli("checkconfig", env={"WHISPER_THREADS": "many"})
    assert bad.returncode == 2 and "WHISPER_THREADS" in bad.stderr, bad
    with open(env.config, "a") as f:
        f.write('tls_cert_file = "/nonexistent/cert.pem"\ntls_key_file = "/nonexistent/key.pem"\n')
    tls = env.cli("checkconfig")
    assert tls.returncode == 2, tls
    assert "tls_cert_file /nonexistent/cert.pem cannot be read" in tls.stderr, tls.stderr


def test_genconfig_prints_every_key_and_a_fresh_token_and_checks_clean():
    env = Env()
    first = env.cli("genconfig")
    assert first.returncode == 0, first
    keys = re.findall(r"^\s+--([a-z0-9-]+) ", env.cli("--help").stdout, re.M)
    config_keys = [k.replace("-", "_") for k in keys if k not in ("help", "version", "config")]
    assert len(config_keys) > 30, keys
    for key in config_keys:
        assert re.search(rf"^(# )?{key} = ", first.stdout, re.M), (key, first.stdout)
    assert "# network threads; 0: one per core (INT, default 0)" in first.stdout, first.stdout
    token = re.search(r'^# api_token = "([0-9a-f]{64})"$', first.stdout, re.M)
    assert token, first.stdout
    second = env.cli("genconfig").stdout
    assert token.group(1) not in second  # generated afresh each time
    # The sample is itself a valid configuration; values set on the way in are kept.
    sample = os.path.join(env.dir, "sample.toml")
    with open(sample, "w") as f:
        f.write(env.cli("--threads", "3", "genconfig").stdout)
    assert re.search(r"^threads = 3$", open(sample).read(), re.M)
    check = subprocess.run([BIN, "--config", sample, "checkconfig"], capture_output=True,
                           text=True, timeout=30)
    assert check.returncode == 0, check


def wait_for_line(server, pattern, timeout=10):
    """The first output line matching `pattern` (bounded wait)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for line in list(server.lines):
            if re.search(pattern, line):
                return line
        time.sleep(0.05)
    raise AssertionError(f"no line matching {pattern!r}:\n" + "".join(server.lines))


def test_sighup_keeps_websockets_open_and_reloads_the_log_level():
    env = Env().migrated()
    env.add_user("alice")
    lobby = env.add_room("Lobby")
    with Server(env) as server:
        cookie = f"sessionid={logged_in(server, 'alice').session()}"

        async def scenario():
            ws = await ws_connect(server, cookie)
            os.kill(server.proc.pid, signal.SIGHUP)
            wait_for_line(server, r"SIGHUP received: configuration re-read, log_level is now info")
            with open(env.config, "a") as f:
                f.write('log_level = "debug"\n')
            os.kill(server.proc.pid, signal.SIGHUP)
            wait_for_line(server, r"log_level is now debug")
            # The socket opened before both signals still works, and so does HTTP.
            await ws_send(ws, command="join", room=lobby)
            assert await ws_recv(ws) == {"join": str(lobby), "title": "Lobby"}
            assert Browser(server).get("/healthz").status == 200
            await ws.close()
        asyncio.run(scenario())
        assert server.proc.poll() is None, "".join(server.lines)
        # A broken file on reload is reported and changes nothing.
        with open(env.config, "a") as f:
            f.write("threads = \n")
        os.kill(server.proc.pid, signal.SIGHUP)
        wait_for_line(server, r"the configuration was not reloaded .*whisper\.toml:\d+")
        assert Browser(server).get("/healthz").status == 200
        assert server.terminate() == 0


def test_startup_line_names_version_config_database_and_channel_layer():
    env = Env().migrated()
    with Server(env) as server:
        line = wait_for_line(server, r"whisper-server \S+ listening on http://")
        version = re.search(r"whisper-server (\S+)", env.cli("--version").stdout).group(1)
        assert f"whisper-server {version} listening on" in line, line
        assert f"config file {env.config}" in line and f"database {env.db}" in line, line
        assert "channel layer in-process" in line, line


def test_json_log_has_structured_fields_and_fatal_errors_are_json():
    env = Env().migrated()
    env.add_user("alice")
    with Server(env, "--log-format", "json") as server:
        cookie = f"sessionid={logged_in(server, 'alice').session()}"

        async def scenario():
            ws = await ws_connect(server, cookie)
            await ws.close()
        asyncio.run(scenario())
        wait_for_line(server, r'"message":"websocket closed')
        records = [json.loads(line) for line in server.lines if line.startswith("{")]
        access = [r for r in records if r["message"].startswith("http method=POST")]
        assert access, records
        assert access[0]["method"] == "POST" and access[0]["route"] == "accounts", access[0]
        assert access[0]["status"] == 302 and isinstance(access[0]["latency_ms"], float), access[0]
        assert access[0]["remote"] == "127.0.0.1", access[0]
        closed = [r for r in records if r["message"].startswith("websocket closed")]
        assert closed[0]["user"] == "alice" and closed[0]["code"] == 1000, closed
    with listening_socket() as blocker:
        fatal = env.cli("--log-format", "json", "runserver",
                        f"127.0.0.1:{blocker.getsockname()[1]}", timeout=20)
    assert fatal.returncode == 1, fatal
    record = json.loads(fatal.stderr.strip().splitlines()[-1])
    assert record["level"] == "critical" and "already in use" in record["message"], record


def test_access_log_level_is_configurable():
    env = Env('access_log_level = "debug"').migrated()
    with Server(env) as server:
        assert Browser(server).get("/accounts/login/").status == 200
        assert Browser(server).get("/healthz").status == 200
        time.sleep(0.5)
        assert not any("http method=" in line for line in server.lines), server.lines
    with Server(env, "--access-log-level", "info") as server:
        assert Browser(server).get("/accounts/login/?next=/secret").status == 200
        line = wait_for_line(server, r"http method=GET route=accounts")
        assert re.search(r"path=/accounts/login/ status=200 latency_ms=[0-9.]+ remote=127\.0\.0\.1",
                         line), line
        assert "secret" not in line  # never the query string


def raw_upgrade(port, origin):
    """A WebSocket upgrade with raw header bytes (clients refuse to send control bytes)."""
    with socket.create_connection(("127.0.0.1", port), timeout=5) as s:
        s.sendall(b"GET /chat/stream/ HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
                  b"Connection: Upgrade\r\nSec-WebSocket-Version: 13\r\n"
                  b"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nOrigin: " + origin +
                  b"\r\n\r\n")
        return s.recv(4096).split(b"\r\n")[0]


def test_refused_upgrades_log_escaped_short_and_rate_limited():
    env = Env().migrated()
    with Server(env) as server:
        hostile = b"http://evil.example/\x1b[2J\x07" + b"A" * 8000
        started = time.monotonic()
        for _ in range(40):
            # 400 (a control byte in a header) or 403 (a foreign Origin): refused either way.
            assert raw_upgrade(server.port, hostile).split(b" ")[1] in (b"400", b"403")
        elapsed = time.monotonic() - started
        time.sleep(0.5)
        output = "".join(server.lines)
        assert "\x1b" not in output and "\x07" not in output, output[-2000:]
        refused = [line for line in server.lines if "http refused" in line]
        assert refused, output[-2000:]
        assert all(len(line) < 1000 for line in refused), max(map(len, refused))
        # One line a second at most (the first at once), not one per refusal.
        assert len(refused) <= elapsed + 2, (len(refused), elapsed)
        time.sleep(1.1)
        assert raw_upgrade(server.port, b"http://evil.example/" + b"B" * 8000).split(b" ")[1] == b"403"
        line = wait_for_line(server, r"origin http://evil\.example/B+\.\.\.\(\d+ more bytes\)")
        assert len(line) < 500, line


def test_refused_upgrades_over_the_user_limit_are_logged_rate_limited():
    env = Env("max_connections_per_user = 1").migrated()
    env.add_user("alice")
    with Server(env) as server:
        cookie = f"sessionid={logged_in(server, 'alice').session()}"

        async def scenario():
            held = await ws_connect(server, cookie)
            started = time.monotonic()
            for _ in range(30):
                try:
                    extra = await ws_connect(server, cookie)
                    await extra.close()
                    raise AssertionError("a second socket was accepted")
                except websockets.exceptions.InvalidStatusCode as e:
                    assert e.status_code == 429
            elapsed = time.monotonic() - started
            await held.close()
            return elapsed
        elapsed = asyncio.run(scenario())
        time.sleep(0.3)
        lines = [line for line in server.lines if "too many connections for user alice" in line]
        assert lines and "status=429" in lines[0], server.lines
        assert len(lines) <= elapsed + 2, (len(lines), elapsed)


def make_certificate(directory):
    cert, key = os.path.join(directory, "cert.pem"), os.path.join(directory, "key.pem")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                    "-subj", "/CN=127.0.0.1", "-keyout", key, "-out", cert],
                   check=True, capture_output=True, timeout=60)
    return cert, key


def start_tls_server(env, cert, key, *extra_args):
    """whisper-server over TLS on a free port: (process, port, output lines)."""
    lines = []
    proc = subprocess.Popen([BIN, "--config", env.config, "--tls-cert-file", cert,
                             "--tls-key-file", key, *extra_args, "runserver", "127.0.0.1:0"],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    threading.Thread(target=lambda: lines.extend(proc.stdout), daemon=True).start()
    port = None
    deadline = time.monotonic() + 15
    while port is None and time.monotonic() < deadline and proc.poll() is None:
        for line in list(lines):
            m = re.search(r"listening on (https?)://127\.0\.0\.1:(\d+)/", line)
            if m:
                assert m.group(1) == "https", line
                port = int(m.group(2))
        time.sleep(0.02)
    if port is None:
        stop_server(proc)
        raise AssertionError("server did not start:\n" + "".join(lines))
    return proc, port, lines


def stop_server(proc):
    if proc.poll() is None:
        os.kill(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=5)


def get_login_page(port, cert=None):
    """GET /accounts/login/ over HTTPS (cert given) or plain HTTP: the response."""
    if cert:
        context = ssl.create_default_context(cafile=cert)
        context.check_hostname = False
        conn = http.client.HTTPSConnection("127.0.0.1", port, timeout=10, context=context)
    else:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    conn.request("GET", "/accounts/login/", headers={"Host": f"127.0.0.1:{port}"})
    response = conn.getresponse()
    response.read()
    conn.close()
    return response


def test_tls_configuration_serves_https_with_secure_cookies_and_hsts():
    env = Env().migrated()
    version = env.cli("--version").stdout
    if "TLS: no" in version:
        bad = env.cli("--tls-cert-file", "c.pem", "--tls-key-file", "k.pem", "listrooms")
        assert bad.returncode == 2 and "WHISPER_WITH_TLS" in bad.stderr, bad.stderr
        return
    cert, key = make_certificate(env.dir)
    proc, port, _ = start_tls_server(env, cert, key)
    try:
        response = get_login_page(port, cert)
        assert response.status == 200, response.status
        cookie = response.getheader("Set-Cookie") or ""
        assert "csrftoken=" in cookie and "Secure" in cookie, cookie
        # HSTS by default over TLS: one year.
        assert response.getheader("Strict-Transport-Security") == "max-age=31536000", \
            response.getheaders()
    finally:
        stop_server(proc)


def served_certificate(port):
    """The DER certificate a TLS server presents to a new connection."""
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    with socket.create_connection(("127.0.0.1", port), timeout=10) as raw:
        with context.wrap_socket(raw) as tls:
            return tls.getpeercert(binary_form=True)


def test_sighup_reloads_a_renewed_tls_certificate():
    env = Env().migrated()
    if "TLS: no" in env.cli("--version").stdout:
        return
    cert, key = make_certificate(env.dir)
    proc, port, lines = start_tls_server(env, cert, key)
    try:
        first = served_certificate(port)
        make_certificate(env.dir)  # renewed in place, as certbot does
        os.kill(proc.pid, signal.SIGHUP)
        deadline = time.monotonic() + 10
        while not any("TLS certificate and key reloaded" in l for l in lines):
            assert time.monotonic() < deadline and proc.poll() is None, "".join(lines)
            time.sleep(0.05)
        renewed = served_certificate(port)
        assert renewed != first and renewed == ssl.PEM_cert_to_DER_cert(open(cert).read())
        assert get_login_page(port, cert).status == 200
        # A broken file is refused; the renewed certificate stays in use.
        with open(cert, "w") as f:
            f.write("not a certificate\n")
        os.kill(proc.pid, signal.SIGHUP)
        deadline = time.monotonic() + 10
        while not any("the current certificate stays in use" in l for l in lines):
            assert time.monotonic() < deadline and proc.poll() is None, "".join(lines)
            time.sleep(0.05)
        assert served_certificate(port) == renewed
    finally:
        stop_server(proc)


def test_hsts_is_configurable_and_never_sent_over_plain_http():
    env = Env().migrated()
    with Server(env, "--hsts-max-age", "600") as plain:
        response = get_login_page(plain.port)
        assert response.status == 200 and response.getheader("Strict-Transport-Security") is None, \
            response.getheaders()
    if "TLS: no" in env.cli("--version").stdout:
        return
    cert, key = make_certificate(env.dir)
    for age, expected in (("600", "max-age=600"), ("0", None)):
        proc, port, _ = start_tls_server(env, cert, key, "--hsts-max-age", age)
        try:
            response = get_login_page(port, cert)
            assert response.status == 200, response.status
            assert response.getheader("Strict-Transport-Security") == expected, \
                (age, response.getheaders())
        finally:
            stop_server(proc)

if __name__ == "__main__":
    run_tests(globals())
