#!/usr/bin/python3
"""The deployment recipes in deploy/, run for real without a Docker engine:

1. deploy/container-start.sh (the Dockerfile's CMD) on a fresh database: migrates,
   creates the admin from WHISPER_ADMIN_PASSWORD, serves; the admin can log in.
2. deploy/nginx.conf with Debian's nginx on loopback, TLS from a self-signed certificate
   made here, in front of two whisper-server processes sharing one SQLite file: login
   over https, then chat over wss through the proxy (WebSocket upgrade headers).

Usage: test_deploy.py WHISPER_SERVER_BIN SOURCE_DIR
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


def login(conn_factory, host_header):
    """Logs in as admin through the form (CSRF cookie + field); returns the cookie header."""
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
    form = urllib.parse.urlencode({"username": "admin", "password": PASSWORD,
                                   "next": "/", "csrfmiddlewaretoken": token})
    cookie = "; ".join(f"{k}={v}" for k, v in cookies.items())
    c = conn_factory()
    c.request("POST", "/accounts/login/", body=form, headers={
        "Host": host_header, "Cookie": cookie,
        "Content-Type": "application/x-www-form-urlencoded",
        "Origin": ("https://" if isinstance(c, http.client.HTTPSConnection) else "http://") + host_header})
    r = c.getresponse()
    r.read()
    assert r.status == 302, f"login answered {r.status}"
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
        finally:
            stop(proc)
    print("container-start.sh: migrated, admin created, login works")


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
    base = dict(os.environ, WHISPER_DATABASE=db)
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
    finally:
        for proc in reversed(procs):
            stop(proc)
    print("nginx + TLS: https login and wss chat through the proxy work")


def main():
    tmp = tempfile.mkdtemp(prefix="whisper-deploy-")
    try:
        test_container_start(tmp)
        test_nginx_tls(tmp)
    except Exception:
        for name in ("container.log", "servers.log", "nginx/logs/error.log"):
            path = os.path.join(tmp, name)
            if os.path.exists(path):
                print(f"--- {name}\n" + open(path).read()[-3000:])
        raise
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print("deploy tests passed")


if __name__ == "__main__":
    main()
