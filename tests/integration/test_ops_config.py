"""Operations settings of the real binary: --version names the optional features, help
points to the docs, the connection-limit and TLS keys are read and checked, and a TLS
configuration serves HTTPS, says so in the startup line, and sends HSTS (over TLS only)."""
import os
import re
import signal
import ssl
import subprocess
import http.client
import threading
import time

from whisper_fixture import BIN, Env, Server, run_tests


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
