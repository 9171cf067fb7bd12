#!/usr/bin/env python3
"""Half-open connections: TCP connections that never send an HTTP request, or stop in
the middle of one (slowloris), are dropped once handshake_timeout (1 s here) has passed,
while a well-behaved pair, upgraded long before, keeps chatting undisturbed. The server
stays up and its memory and descriptors come back."""

import socket
import time

from faultlib.chat_pair import ChatPair
from faultlib.checks import check_server_end_state, main, raise_fd_limit
from faultlib.server import Server

SILENT = 300   # connect and send nothing
PARTIAL = 100  # send part of a request head, then nothing
TRICKLE = 20   # send a request head one byte at a time, slower than the timeout allows


def dropped(sock, seconds):
    """True when the server ends the connection within `seconds` (EOF or reset)."""
    sock.settimeout(seconds)
    try:
        while True:
            data = sock.recv(4096)
            if not data:
                return True
    except (ConnectionResetError, BrokenPipeError):
        return True
    except socket.timeout:
        return False


def scenario(binary, failures):
    """Connections that never finish their HTTP request are dropped after the timeout."""
    raise_fd_limit()
    with Server(binary, users=2, config={"handshake_timeout": 1}) as server:
        pair = ChatPair(server, server.cookies[:2]).start()
        time.sleep(1)
        baseline = server.rss_kib()
        baseline_fds = server.open_fds()
        socks = []
        for i in range(SILENT + PARTIAL):
            s = socket.create_connection(("127.0.0.1", server.port), timeout=10)
            if i >= SILENT:
                s.sendall(b"GET /chat/stream/ HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: webs")
            socks.append(s)
        trickle = [socket.create_connection(("127.0.0.1", server.port), timeout=10)
                   for _ in range(TRICKLE)]
        head = b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: " + b"a" * 100
        # Keep trickling (bounded): a byte every 0.5 s must not keep a connection alive.
        trickle_alive = list(trickle)
        for i in range(16):
            for s in list(trickle_alive):
                try:
                    s.sendall(head[i:i + 1])
                except OSError:
                    trickle_alive.remove(s)
            time.sleep(0.5)
        failures.expect(not trickle_alive or all(dropped(s, 10) for s in trickle_alive),
                        "a request trickled byte by byte kept its connection past the timeout")
        kept = sum(1 for s in socks if not dropped(s, 10))
        failures.expect(kept == 0, "%d of %d half-open connections were not dropped" %
                        (kept, len(socks)))
        for s in socks + trickle:
            s.close()
        deadline = time.monotonic() + 30
        while server.open_fds() > baseline_fds + 8 and time.monotonic() < deadline:
            time.sleep(0.5)
        failures.expect(server.open_fds() <= baseline_fds + 8,
                        "the server holds %d descriptors (baseline %d)" %
                        (server.open_fds(), baseline_fds))
        pair.stop()
        print("pair messages:", pair.sent, flush=True)
        check_server_end_state(failures, server, pair, baseline, slack_kib=16 * 1024)


if __name__ == "__main__":
    main(scenario)
