#!/usr/bin/env python3
"""The SQLite file goes bad under a running server: locked by another process, made
read-only (chmod), then removed. Logins fail with a clear error page (HTTP 500/503) and
a log line instead of hanging or crashing, and work again once the fault is gone (lock
released, file renamed back). A database file removed or replaced under the server is
noticed: writes answer 503, /healthz 503 with the reason, one error line says what to do.
The pair, already connected, keeps chatting throughout; the server stays up.

Note: chmod cannot stop root (these tests often run as root in containers), which is
why the lock phase exists: it fails the server's writes whoever runs the test."""

import os
import shutil
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


def wait_for_log(server, log_before, text, seconds=10):
    """True once `text` appears in the log after `log_before` (bounded wait)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if text in server.log_text()[len(log_before):]:
            return True
        time.sleep(0.1)
    return False


def wait_for_health(server, wanted, seconds=15):
    """Polls /healthz until it answers `wanted` (bounded); returns the last status."""
    deadline = time.monotonic() + seconds
    status = None
    while time.monotonic() < deadline:
        status = server.get("/healthz")[0]
        if status == wanted:
            break
        time.sleep(0.2)
    return status


def removed_phase(failures, server, pair):
    """Rename the file (and its WAL and shared memory) away: writes refused with 503,
    /healthz 503 with the reason, one error line with the path and the fix, the pair
    keeps chatting; rename it back: everything works again."""
    moved = []
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(server.database + suffix):
            os.rename(server.database + suffix, server.database + suffix + ".away")
            moved.append(suffix)
    log_before = server.log_text()
    sent_before = pair.sent
    result = login(server, "u4", BENCH_PASSWORD)
    print("removed database: login answered", result[0], flush=True)
    failures.expect(result[0] == 503, "removed database: login answered %s, expected 503"
                    % result[0])
    failures.expect(b"<html" in result[1].lower() or b"<!doctype" in result[1].lower(),
                    "removed database: the refusal is not a page: %r" % result[1][:200])
    status, _, body = server.get("/healthz")
    print("removed database: /healthz answered", status, body, flush=True)
    failures.expect(status == 503 and b"was removed" in body and
                    server.database.encode() in body,
                    "removed database: /healthz answered %s %r, expected 503 naming the file"
                    % (status, body))
    failures.expect(wait_for_log(server, log_before, "was removed"),
                    "removed database: no error line saying the file was removed")
    error_lines = [line for line in server.log_text()[len(log_before):].splitlines()
                   if "was removed" in line]
    failures.expect(len(error_lines) == 1 and server.database in error_lines[0] and
                    "whisper-server migrate" in error_lines[0],
                    "removed database: expected one error line naming the path and the fix, "
                    "got %r" % error_lines)
    # The periodic check runs every 2 s: let it run while the file is away, so a second
    # detection would show as a second line.
    time.sleep(3)
    failures.expect(len([line for line in server.log_text()[len(log_before):].splitlines()
                         if "was removed" in line]) <= 1,
                    "removed database: the error line was repeated")
    failures.expect(pair.sent > sent_before and not pair.errors,
                    "removed database: the pair stopped chatting (%d -> %d, errors %r)"
                    % (sent_before, pair.sent, pair.errors))
    failures.expect(server.alive(), "removed database: the server exited")

    for suffix in moved:
        os.rename(server.database + suffix + ".away", server.database + suffix)
    status = wait_for_health(server, 200)
    print("restored database: /healthz answered", status, flush=True)
    failures.expect(status == 200, "restored database: /healthz still answers %s" % status)
    failures.expect(wait_for_log(server, log_before, "is back"),
                    "restored database: no log line saying the file is back")
    failures.expect(logged_in(login(server, "u4", BENCH_PASSWORD)),
                    "restored database: login does not work again")


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

        # 3. The file renamed away, as `rm` or a botched restore would leave it: SQLite
        # would go on writing into the unlinked inode and lose it all at the next restart.
        removed_phase(failures, server, pair)

        # 4. Replaced by another file (a copy: same content, another inode): refused for
        # good, since the server's open file is not the one a restart would read.
        copy = server.database + ".copy"
        shutil.copyfile(server.database, copy)
        os.replace(copy, server.database)
        log_before = server.log_text()
        result = login(server, "u4", BENCH_PASSWORD)
        print("replaced database: login answered", result[0], flush=True)
        failures.expect(result[0] == 503, "replaced database: login answered %s, expected 503"
                        % result[0])
        status, _, body = server.get("/healthz")
        print("replaced database: /healthz answered", status, body, flush=True)
        failures.expect(status == 503 and b"replaced" in body,
                        "replaced database: /healthz answered %s %r" % (status, body))
        failures.expect(wait_for_log(server, log_before, "was replaced"),
                        "replaced database: no error line saying the file was replaced")

        time.sleep(1)
        pair.stop()
        print("pair messages:", pair.sent, flush=True)
        check_server_end_state(failures, server, pair, baseline, slack_kib=16 * 1024)


if __name__ == "__main__":
    main(scenario)
