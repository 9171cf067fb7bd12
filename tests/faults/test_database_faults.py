#!/usr/bin/env python3
"""The SQLite file goes bad under a running server: locked by another process, made
read-only (chmod), then removed. Logins fail with a clear error page (HTTP 500/503) and
a log line instead of hanging or crashing, and work again once the fault is gone (lock
released); the pair, already connected, keeps chatting throughout; the server stays up.

Note: chmod cannot stop root (these tests often run as root in containers), which is
why the lock phase exists: it fails the server's writes whoever runs the test."""

import os
import sqlite3
import stat
import time
import urllib.parse

from faultlib.chat_pair import ChatPair
from faultlib.checks import check_server_end_state, main
from faultlib.server import BENCH_PASSWORD, Server


def login(server, username, password):
    """Logs in through the form, as a browser would: (status, body, set-cookie headers)."""
    status, headers, _ = server.get("/accounts/login/")
    if status != 200:
        return status, b"", []
    token = None
    for cookie in headers.get_all("Set-Cookie") or []:
        name, _, rest = cookie.partition("=")
        if name.strip() == "csrftoken":
            token = rest.split(";", 1)[0]
    body = urllib.parse.urlencode({"username": username, "password": password, "next": "/",
                                   "csrfmiddlewaretoken": token or ""}).encode()
    status, headers, page = server.request(
        "POST", "/accounts/login/", body, timeout=60,
        headers={"Content-Type": "application/x-www-form-urlencoded",
                 "Cookie": "csrftoken=%s" % token})
    return status, page, headers.get_all("Set-Cookie") or []


def logged_in(result):
    status, _, cookies = result
    return status == 302 and any(c.startswith("sessionid=") for c in cookies)


def expect_clear_failure(failures, server, result, phase, log_before):
    status, page, _ = result
    failures.expect(status in (500, 503), "%s: login answered %s, expected a 500/503 error page"
                    % (phase, status))
    failures.expect(b"<html" in page.lower() or b"<!doctype" in page.lower(),
                    "%s: the error answer is not a page: %r" % (phase, page[:200]))
    new_log = server.log_text()[len(log_before):]
    failures.expect("login failed" in new_log or "error" in new_log.lower(),
                    "%s: no log line about the failed login; log:\n%s" % (phase, new_log[-2000:]))


def scenario(binary, failures):
    """Logins fail cleanly when the database does; live chat is not affected."""
    with Server(binary, users=4) as server:
        pair = ChatPair(server, server.cookies[:2]).start()
        time.sleep(1)
        baseline = server.rss_kib()
        failures.expect(logged_in(login(server, "u3", BENCH_PASSWORD)), "login fails before any fault")

        # 1. Another process holds the write lock: the session insert cannot commit.
        log_before = server.log_text()
        holder = sqlite3.connect(server.database, timeout=1, isolation_level=None)
        holder.execute("BEGIN EXCLUSIVE")
        result = login(server, "u3", BENCH_PASSWORD)
        print("locked database: login answered", result[0], flush=True)
        expect_clear_failure(failures, server, result, "locked database", log_before)
        holder.execute("ROLLBACK")
        holder.close()
        failures.expect(logged_in(login(server, "u3", BENCH_PASSWORD)),
                        "login does not recover once the lock is released")

        # 2. Read-only file and directory (effective only when not root).
        mode_file = os.stat(server.database).st_mode
        os.chmod(server.database, stat.S_IRUSR | stat.S_IRGRP | stat.S_IROTH)
        os.chmod(server.dir, stat.S_IRUSR | stat.S_IXUSR)
        log_before = server.log_text()
        result = login(server, "u4", BENCH_PASSWORD)
        print("read-only database: login answered", result[0], flush=True)
        if os.geteuid() != 0:
            expect_clear_failure(failures, server, result, "read-only database", log_before)
        else:
            failures.expect(result[0] in (302, 500, 503),
                            "read-only database: login answered %s" % result[0])
        os.chmod(server.dir, stat.S_IRWXU)
        os.chmod(server.database, mode_file)

        # 3. The file and its WAL removed under the server.
        for suffix in ("", "-wal", "-shm", "-journal"):
            try:
                os.unlink(server.database + suffix)
            except FileNotFoundError:
                pass
        log_before = server.log_text()
        result = login(server, "u4", BENCH_PASSWORD)
        print("removed database: login answered", result[0], flush=True)
        failures.expect(result[0] in (302, 500, 503),
                        "removed database: login answered %s" % result[0])
        if result[0] != 302:
            expect_clear_failure(failures, server, result, "removed database", log_before)
        status = server.get("/healthz")[0]
        print("removed database: /healthz answered", status, flush=True)

        time.sleep(1)
        pair.stop()
        print("pair messages:", pair.sent, flush=True)
        check_server_end_state(failures, server, pair, baseline, slack_kib=16 * 1024)


if __name__ == "__main__":
    main(scenario)
