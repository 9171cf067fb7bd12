#!/usr/bin/python3
"""The deployment recipes in deploy/, run for real without a Docker engine:

1. deploy/container-start.sh (the Dockerfile's CMD) on a fresh database: migrates,
   creates the admin from WHISPER_ADMIN_PASSWORD, serves; the admin can log in.
   The image's HEALTHCHECK script answers healthy while it serves, unhealthy after.
2. deploy/nginx.conf with Debian's nginx on loopback, TLS from a self-signed certificate
   made here, in front of two whisper-server processes sharing one SQLite file: login
   over https, then chat over wss through the proxy (WebSocket upgrade headers); the
   processes trust the proxy's X-Forwarded-For (one client's failed logins do not lock
   out another), and /metrics is not served through the proxy.
3. The packaging, read as files (no Docker engine here): the Dockerfile's runtime stage
   runs as a user, has a HEALTHCHECK, installs no toolchain and every shared library
   the binary needs; .dockerignore keeps .git, build trees and databases out; the
   compose file restarts, waits for a healthy Redis and allows what it publishes.
4. The systemd unit: `systemd-analyze security` rates it OK, and the server tells a
   NOTIFY_SOCKET READY=1 once it listens and STOPPING=1 when it stops.

Usage: test_deploy.py WHISPER_SERVER_BIN SOURCE_DIR [TEST_NAME...]
"""
import asyncio
import http.client
import os
import re
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import time
import urllib.parse

import websockets
import yaml

BIN, SRC = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
PASSWORD = "deploy-test-pass-1"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_port(port, proc, seconds=15):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"process exited early with {proc.returncode}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"nothing listens on {port} after {seconds}s")


def login(conn_factory, host_header, username="admin", password=PASSWORD, expect=302):
    """Logs in through the form (CSRF cookie + field); returns the session cookie header
    (or the status when it is not `expect`)."""
    c = conn_factory()
    c.request("GET", "/accounts/login/", headers={"Host": host_header})
    r = c.getresponse()
    body = r.read().decode()
    cookies = {}
    for k, v in r.getheaders():
        if k.lower() == "set-cookie":
            name, _, rest = v.partition("=")
            cookies[name] = rest.split(";")[0]
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', body).group(1)
    form = urllib.parse.urlencode({"username": username, "password": password,
                                   "next": "/", "csrfmiddlewaretoken": token})
    cookie = "; ".join(f"{k}={v}" for k, v in cookies.items())
    c = conn_factory()
    c.request("POST", "/accounts/login/", body=form, headers={
        "Host": host_header, "Cookie": cookie,
        "Content-Type": "application/x-www-form-urlencoded",
        "Origin": ("https://" if isinstance(c, http.client.HTTPSConnection) else "http://") + host_header})
    r = c.getresponse()
    r.read()
    if r.status != expect:
        raise AssertionError(f"login of {username} answered {r.status}, not {expect}")
    if expect != 302:
        return r.status
    for k, v in r.getheaders():
        if k.lower() == "set-cookie" and v.startswith("sessionid="):
            return "sessionid=" + v.split(";")[0].split("=", 1)[1]
    raise AssertionError("no session cookie after login")


def start(cmd, env, log):
    return subprocess.Popen(cmd, env=env, stdout=log, stderr=subprocess.STDOUT,
                            start_new_session=True)


def stop(proc):
    if proc and proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def test_container_start(tmp):
    port = free_port()
    env = dict(os.environ, WHISPER_BIN=BIN, WHISPER_LISTEN=f"127.0.0.1:{port}",
               WHISPER_DATABASE=os.path.join(tmp, "container", "whisper.db"),
               WHISPER_ADMIN_PASSWORD=PASSWORD)
    with open(os.path.join(tmp, "container.log"), "w") as log:
        proc = start([os.path.join(SRC, "deploy", "container-start.sh")], env, log)
        try:
            wait_port(port, proc)
            cookie = login(lambda: http.client.HTTPConnection("127.0.0.1", port, timeout=10),
                           f"127.0.0.1:{port}")
            assert cookie.startswith("sessionid=")
            assert healthcheck(env) == 0, "HEALTHCHECK says unhealthy while it serves"
            # The script's own variables stay with it: no admin password in the server's
            # environment, no warnings about variables that are not settings.
            environ = open(f"/proc/{proc.pid}/environ", "rb").read().split(b"\0")
            leaked = [v.split(b"=")[0] for v in environ if v.startswith(b"WHISPER_ADMIN_")]
            assert not leaked, f"the server's environment holds {leaked}"
        finally:
            stop(proc)
        assert healthcheck(env) != 0, "HEALTHCHECK says healthy with no server"
    with open(os.path.join(tmp, "container.log")) as log:
        assert "is not a setting" not in log.read(), "whisper-server warned about the script's variables"
    print("container-start.sh: migrated, admin created, login works, HEALTHCHECK follows")


def healthcheck(env):
    script = os.path.join(SRC, "deploy", "container-healthcheck.sh")
    return subprocess.run([script], env=env, capture_output=True, timeout=15).returncode


async def chat_over_wss(url, cookie, origin, ctx):
    async with websockets.connect(url, ssl=ctx, extra_headers={"Cookie": cookie},
                                  origin=origin, open_timeout=10) as ws:
        await ws.send('{"command": "join", "room": 1}')
        reply = await asyncio.wait_for(ws.recv(), 10)
        assert '"join":"1"' in reply.replace(" ", ""), reply
        await ws.send('{"command": "send", "room": 1, "message": "through nginx"}')
        while True:
            frame = await asyncio.wait_for(ws.recv(), 10)
            if "through nginx" in frame:
                return


def test_nginx_tls(tmp):
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    if not os.path.exists(nginx):
        raise RuntimeError("nginx is not installed (scripts/install-deps.sh installs it)")
    db = os.path.join(tmp, "shared.db")
    # As the recipe says: the processes trust the proxy in front of them.
    base = dict(os.environ, WHISPER_DATABASE=db, WHISPER_TRUSTED_PROXIES="127.0.0.1")
    subprocess.run([BIN, "migrate"], env=base, check=True, capture_output=True)
    subprocess.run([BIN, "createsuperuser", "--username", "admin", "--no-input"],
                   env=dict(base, WHISPER_PASSWORD=PASSWORD), check=True, capture_output=True)
    subprocess.run([BIN, "createroom", "--title", "Lobby"], env=base, check=True, capture_output=True)

    # Certificate for 127.0.0.1, made here.
    cert, key = os.path.join(tmp, "cert.pem"), os.path.join(tmp, "key.pem")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                    "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
                    "-keyout", key, "-out", cert], check=True, capture_output=True)

    ports = [free_port(), free_port()]
    tls_port = free_port()
    conf = open(os.path.join(SRC, "deploy", "nginx.conf")).read()
    conf = conf.replace("127.0.0.1:8001", f"127.0.0.1:{ports[0]}")
    conf = conf.replace("127.0.0.1:8002", f"127.0.0.1:{ports[1]}")
    conf = conf.replace("listen 443 ssl;", f"listen 127.0.0.1:{tls_port} ssl;")
    conf = conf.replace("/etc/ssl/certs/whisper.pem", cert).replace("/etc/ssl/private/whisper.key", key)
    prefix = os.path.join(tmp, "nginx")
    os.makedirs(os.path.join(prefix, "logs"))
    with open(os.path.join(prefix, "nginx.conf"), "w") as f:
        f.write(f"""daemon off;
pid {prefix}/nginx.pid;
error_log {prefix}/logs/error.log;
events {{ worker_connections 256; }}
http {{
  access_log {prefix}/logs/access.log;
  client_body_temp_path {prefix}/body; proxy_temp_path {prefix}/proxy;
  fastcgi_temp_path {prefix}/fcgi; uwsgi_temp_path {prefix}/uwsgi; scgi_temp_path {prefix}/scgi;
{conf}
}}
""")
    procs = []
    try:
        with open(os.path.join(tmp, "servers.log"), "w") as log:
            for p in ports:
                # Behind TLS the cookie must be Secure although the hop to us is plain HTTP.
                procs.append(start([BIN, "--cookie-secure", "true", "runserver", f"127.0.0.1:{p}"],
                                   base, log))
            for p, proc in zip(ports, procs):
                wait_port(p, proc)
            procs.append(start([nginx, "-p", prefix, "-c", os.path.join(prefix, "nginx.conf")],
                               os.environ, log))
            wait_port(tls_port, procs[-1])
        ctx = ssl.create_default_context(cafile=cert)
        host = f"127.0.0.1:{tls_port}"
        cookie = login(lambda: http.client.HTTPSConnection("127.0.0.1", tls_port, timeout=10,
                                                           context=ctx), host)
        asyncio.run(chat_over_wss(f"wss://{host}/chat/stream/", cookie, f"https://{host}", ctx))
        metrics_stay_private(tls_port, ctx, ports[0])
        one_client_cannot_lock_out_another(tls_port, ctx, host)
    finally:
        for proc in reversed(procs):
            stop(proc)
    print("nginx + TLS: https login and wss chat through the proxy work")


def metrics_stay_private(tls_port, ctx, backend_port):
    c = http.client.HTTPSConnection("127.0.0.1", tls_port, timeout=10, context=ctx)
    c.request("GET", "/metrics")
    r = c.getresponse()
    r.read()
    assert r.status == 404, f"/metrics through the proxy answered {r.status}"
    c = http.client.HTTPConnection("127.0.0.1", backend_port, timeout=10)
    c.request("GET", "/metrics")
    r = c.getresponse()
    assert r.status == 200 and b"whisper_" in r.read(), "a local scrape of /metrics fails"


def one_client_cannot_lock_out_another(tls_port, ctx, host):
    """Clients from two loopback addresses through nginx (its X-Forwarded-For tells them
    apart): 20 failed logins from one (per-IP limit) leave the other able to log in."""
    def through_proxy_from(source):
        return lambda: http.client.HTTPSConnection("127.0.0.1", tls_port, timeout=10,
                                                   context=ctx, source_address=(source, 0))
    attacker, admin = through_proxy_from("127.0.0.2"), through_proxy_from("127.0.0.3")
    for n in range(20):  # distinct usernames: only the per-address limit is reached
        login(attacker, host, username=f"guess{n}", password="wrong", expect=200)
    login(attacker, host, username="guess20", password="wrong", expect=429)
    assert login(admin, host).startswith("sessionid=")


def test_packaging(tmp):
    check_dockerfile()
    check_dockerignore()
    check_compose()
    print("Dockerfile, .dockerignore and compose file: non-root, healthcheck, lean, safe")


def dockerfile_stages():
    """The Dockerfile's stages: lists of (INSTRUCTION, arguments), continuations joined."""
    text = open(os.path.join(SRC, "deploy", "Dockerfile")).read()
    text = re.sub(r"\\\n", " ", text)
    stages = []
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        word, _, rest = line.partition(" ")
        if word.upper() == "FROM":
            stages.append([])
        stages[-1].append((word.upper(), rest.strip()))
    return stages


def shared_library_packages():
    """The Debian packages holding the shared libraries the built binary links directly
    (theirs come with them as package dependencies)."""
    dynamic = subprocess.run(["readelf", "-d", BIN], capture_output=True, text=True,
                             check=True).stdout
    needed = {name for name in re.findall(r"\(NEEDED\)\s+Shared library: \[([^\]]+)\]",
                                          dynamic) if not name.startswith("ld-linux")}
    out = subprocess.run(["ldd", BIN], capture_output=True, text=True, check=True).stdout
    paths = dict(re.findall(r"^\s*(\S+) => (/\S+)", out, re.M))
    assert needed and needed <= set(paths), f"cannot resolve {needed - set(paths)}"
    packages = set()
    for path in (paths[name] for name in needed):
        owner = subprocess.run(["dpkg", "-S", os.path.realpath(path)], capture_output=True,
                               text=True)
        if owner.returncode != 0:  # /lib vs /usr/lib (merged /usr): ask for the other
            owner = subprocess.run(["dpkg", "-S", path], capture_output=True, text=True)
        assert owner.returncode == 0, f"no package owns {path}"
        packages.add(owner.stdout.split(":")[0])
    return packages


def check_dockerfile():
    stages = dockerfile_stages()
    assert len(stages) >= 2, "the Dockerfile is not multi-stage"
    runtime = stages[-1]
    users = [args for op, args in runtime if op == "USER"]
    assert users and users[-1].split(":")[0] not in ("root", "0"), "the image runs as root"
    health = [args for op, args in runtime if op == "HEALTHCHECK"]
    assert health and "container-healthcheck.sh" in health[-1], "no HEALTHCHECK"
    for op, args in runtime:
        if op in ("COPY", "ADD") and "--from=" not in args:
            sources = args.split()[:-1]
            assert all(src.startswith("deploy/") and not src.endswith("/") for src in sources), \
                f"the runtime stage copies sources: {op} {args}"
    installed = set()
    for op, args in runtime:
        if op == "RUN" and "apt-get install" in args:
            words = args.split("apt-get install", 1)[1].split("&&")[0].split()
            installed |= {w for w in words if not w.startswith("-")}
    toolchain = {w for w in installed
                 if w.endswith("-dev") or w.split("-")[0] in ("gcc", "g++", "clang", "cmake",
                                                              "make", "build", "cpp")
                 or w in ("build-essential", "pkg-config", "git")}
    assert not toolchain, f"the runtime stage installs a toolchain: {toolchain}"
    # Every library the binary loads comes with the image (libc and the C++ runtime are
    # in every Debian image).
    missing = shared_library_packages() - installed - {"libc6", "libgcc-s1", "libstdc++6"}
    assert not missing, f"the runtime stage lacks the packages {sorted(missing)}"


def dockerignore_excludes(patterns, path):
    """Docker's rule: a pattern excludes a path or any of its parent directories; the
    last matching pattern wins ("!" re-includes)."""
    excluded = False
    for pattern in patterns:
        negate = pattern.startswith("!")
        pattern = os.path.normpath(pattern.lstrip("!"))
        regex = re.escape(pattern).replace(r"\*\*/", "(.*/)?").replace(r"\*\*", ".*")
        regex = regex.replace(r"\*", "[^/]*").replace(r"\?", "[^/]")
        parts = path.split("/")
        if any(re.fullmatch(regex, "/".join(parts[:i])) for i in range(1, len(parts) + 1)):
            excluded = not negate
    return excluded


def check_dockerignore():
    lines = open(os.path.join(SRC, ".dockerignore")).read().splitlines()
    patterns = [l.strip() for l in lines if l.strip() and not l.startswith("#")]
    for path in (".git/config", "whisper.db", "whisper.db-wal", "data/whisper.db",
                 "build/apps/whisper-server/whisper-server", "build-release/CMakeCache.txt",
                 "tests/e2e/node_modules/playwright-core/index.js"):
        assert dockerignore_excludes(patterns, path), f".dockerignore lets {path} in"
    for path in ("CMakeLists.txt", "apps/whisper-server/src/main.cpp", "deploy/Dockerfile",
                 "deploy/container-start.sh", "scripts/install-deps.sh",
                 "libwhisper/include/whisper/whisper.hpp"):
        assert not dockerignore_excludes(patterns, path), f".dockerignore drops {path}"


def check_compose():
    compose = yaml.safe_load(open(os.path.join(SRC, "deploy", "docker-compose.yml")))
    services = compose["services"]
    for name, service in services.items():
        assert service.get("restart") in ("always", "unless-stopped", "on-failure"), \
            f"service {name} has no restart policy"
    assert "healthcheck" in services["redis"], "Redis has no healthcheck"
    web = services["web"]
    assert web["depends_on"]["redis"]["condition"] == "service_healthy"
    environment = web["environment"]
    default = re.sub(r"\$\{[A-Z_]+:-(.*)\}", r"\1", environment["WHISPER_ALLOWED_HOSTS"])
    allowed = {h.strip() for h in default.split(",")}
    assert "WHISPER_TRUSTED_PROXIES" in environment
    for mapping in web["ports"]:
        *host, published, _container = str(mapping).split(":")
        names = {"localhost", "127.0.0.1"} if host in ([], ["127.0.0.1"]) else set(host)
        for name in names:
            assert f"{name}:{published}" in allowed, \
                f"published as {name}:{published} but allowed_hosts is {sorted(allowed)}"


def test_systemd_unit(tmp):
    unit = os.path.join(SRC, "deploy", "whisper-server.service")
    text = open(unit).read()
    assert "Type=notify" in text
    # The config file the unit names exists after install: the sample is shipped.
    assert "/usr/local/share/whisper/whisper.toml" in text
    sample = os.path.join(SRC, "deploy", "whisper.toml")
    result = subprocess.run([BIN, "--config", sample, "migrate"], capture_output=True, text=True,
                            env=dict(os.environ, WHISPER_DATABASE=os.path.join(tmp, "unit.db")))
    assert result.returncode == 0, f"the shipped sample config is refused: {result.stderr}"
    analyze = shutil.which("systemd-analyze")
    if not analyze:
        raise RuntimeError("systemd-analyze is missing (Debian package systemd)")
    out = subprocess.run([analyze, "security", "--offline=yes", unit], capture_output=True,
                         text=True)
    score = re.search(r"Overall exposure level for \S+: ([0-9.]+)", out.stdout)
    assert score, out.stdout + out.stderr
    assert float(score.group(1)) <= 4.9, f"exposure {score.group(1)}:\n{out.stdout}"
    check_sd_notify(tmp)
    print(f"systemd unit: exposure {score.group(1)}, READY=1 and STOPPING=1 sent")


def check_sd_notify(tmp):
    path = os.path.join(tmp, "notify.sock")
    with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as notify:
        notify.bind(path)
        notify.settimeout(15)
        port = free_port()
        env = dict(os.environ, NOTIFY_SOCKET=path,
                   WHISPER_DATABASE=os.path.join(tmp, "notify.db"))
        subprocess.run([BIN, "migrate"], env=env, check=True, capture_output=True)
        with open(os.path.join(tmp, "notify.log"), "w") as log:
            proc = start([BIN, "runserver", f"127.0.0.1:{port}"], env, log)
            try:
                ready = notify.recv(4096).decode()
                assert "READY=1" in ready.split("\n"), ready
                # Ready means listening: a connection succeeds at once.
                socket.create_connection(("127.0.0.1", port), timeout=2).close()
                proc.send_signal(signal.SIGTERM)
                stopping = notify.recv(4096).decode()
                assert "STOPPING=1" in stopping.split("\n"), stopping
                assert proc.wait(15) == 0
            finally:
                stop(proc)


def main():
    tmp = tempfile.mkdtemp(prefix="whisper-deploy-")
    tests = sys.argv[3:] or ["test_container_start", "test_nginx_tls", "test_packaging",
                             "test_systemd_unit"]
    try:
        for name in tests:
            globals()[name](tmp)
    except Exception:
        for name in ("container.log", "servers.log", "nginx/logs/error.log", "notify.log"):
            path = os.path.join(tmp, name)
            if os.path.exists(path):
                print(f"--- {name}\n" + open(path).read()[-3000:])
        raise
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print("deploy tests passed")


if __name__ == "__main__":
    main()
