#!/usr/bin/env python3
"""A logged-in client that floods empty pings and never reads. Pings count against the
command rate limit, so with the default limits the flooder is closed with 1008 after
its burst; and pongs go through the bounded outbound queue, so even with the rate limit
out of the way a flooder that never reads is dropped as a slow reader. Either way the
server's memory stays bounded (before, each ping left a ~61-byte pong queued forever),
and a well-behaved pair chatting meanwhile loses nothing."""

import socket
import time

from faultlib.chat_pair import ChatPair
from faultlib.checks import MEMORY_BOUNDS_CHECKED, check_server_end_state, main
from faultlib.rss_sampler import RssSampler
from faultlib.server import Server
from faultlib.wsclient import OP_PING, Client, encode_frame

BATCH = encode_frame(OP_PING, b"") * 1000  # 6,000 bytes: a thousand empty pings
FLOOD_SECONDS = 15  # how long the flooder keeps going unless the server ends it first
RSS_BOUND_KIB = 16 * 1024


def flood(client, sampler, baseline, max_pings=None):
    """Sends pings (never reading) for at most FLOOD_SECONDS and `max_pings`, until the
    server ends the connection, or its memory has grown far past the bound (a server
    without the bound must not be driven into the machine's swap). Returns (pings sent,
    True if a send failed)."""
    sent = 0
    deadline = time.monotonic() + FLOOD_SECONDS
    client.sock.settimeout(5)
    while time.monotonic() < deadline and (max_pings is None or sent < max_pings):
        if sampler.peak - baseline > 4 * RSS_BOUND_KIB:
            break
        try:
            client.sock.sendall(BATCH)
        except (BrokenPipeError, ConnectionResetError, socket.timeout):
            return sent, True
        sent += 1000
    return sent, False


def check_memory(failures, sampler, baseline, what):
    sampler.stopping.set()
    sampler.join(timeout=5)
    growth = sampler.peak - baseline
    print("%s: rss peak %d KiB (+%d KiB, bound +%d KiB)" %
          (what, sampler.peak, growth, RSS_BOUND_KIB), flush=True)
    failures.expect(growth <= RSS_BOUND_KIB or not MEMORY_BOUNDS_CHECKED,
                    "%s: server memory grew by %d KiB (bound %d KiB): pongs are not bounded" %
                    (what, growth, RSS_BOUND_KIB))


def rate_limited(binary, failures):
    """Default limits: the ping flood is closed with 1008 "rate limit"."""
    with Server(binary, users=3) as server:
        pair = ChatPair(server, server.cookies[:2], interval=0.2).start()
        time.sleep(1)
        baseline = server.rss_kib()
        sampler = RssSampler(server)
        sampler.start()
        flooder = Client(server.port, server.cookies[2])
        # The server goes on reading after its close frame (it waits for ours), so the
        # flood itself does not fail: stop at a number far past burst + strikes.
        sent, _ = flood(flooder, sampler, baseline, max_pings=20000)
        code = None
        try:
            code = flooder.wait_close(timeout=10)
        except socket.timeout:
            code = "still open"
        flooder.sock.close()
        print("ping flood (rate limited): %d pings sent, closed with %s" % (sent, code),
              flush=True)
        failures.expect(code == 1008, "the ping flooder was not closed with 1008 (got %s)" % code)
        check_memory(failures, sampler, baseline, "rate-limited flood")
        pair.stop()
        check_server_end_state(failures, server, pair, baseline, slack_kib=16 * 1024)


def never_reads(binary, failures):
    """No effective rate limit: the non-reading flooder is dropped by the queue bound."""
    config = {"commands_per_second": 1000000, "command_burst": 1000000,
              "outbound_queue_frames": 1024, "handshake_timeout": 2}
    with Server(binary, users=3, config=config) as server:
        pair = ChatPair(server, server.cookies[:2], interval=0.2).start()
        time.sleep(1)
        baseline = server.rss_kib()
        sampler = RssSampler(server)
        sampler.start()
        flooder = Client(server.port, server.cookies[2], rcvbuf=4096)
        started = time.monotonic()
        sent, send_failed = flood(flooder, sampler, baseline)
        ended = send_failed
        if not ended:
            # Read now: whatever pongs were buffered, then a close frame or the end.
            flooder.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 20)
            try:
                flooder.wait_close(timeout=10)
                ended = True
            except socket.timeout:
                ended = False
        flooder.sock.close()
        print("ping flood (never reads): %d pings sent in %.1f s, connection ended: %s" %
              (sent, time.monotonic() - started, ended), flush=True)
        failures.expect(ended, "a client pinging without reading was never disconnected")
        check_memory(failures, sampler, baseline, "non-reading flood")
        pair.stop()
        check_server_end_state(failures, server, pair, baseline, slack_kib=16 * 1024)


def scenario(binary, failures):
    """Ping floods are rate limited and pongs are bounded; memory stays bounded."""
    rate_limited(binary, failures)
    never_reads(binary, failures)


if __name__ == "__main__":
    main(scenario)
