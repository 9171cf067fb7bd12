#!/usr/bin/env python3
"""Clients that stop reading while their room is flooded. The outbound queue bound
(256 KiB here) keeps the server's memory bounded: each slow reader is disconnected
(close 1013, or the TCP connection ends) instead of buffering the flood, while the
members that do read (the pair, and the flooder itself) receive every message in order.
Afterwards the server is up and its memory returns near its baseline."""

import socket
import threading
import time

from faultlib.chat_pair import ChatPair
from faultlib.checks import MEMORY_BOUNDS_CHECKED, check_server_end_state, main
from faultlib.rss_sampler import RssSampler
from faultlib.server import ROOM, Server
from faultlib.wsclient import Client, ConnectionEnded

SLOW = 8
FLOOD = 15000
PAYLOAD = "x" * 1000
QUEUE_BYTES = 256 * 1024
# The readers may fall this many messages (~100 KiB) behind the flooder, well inside
# the queue bound: a reader that keeps up is never cut off however loaded the machine
# is, while the slow readers, who read nothing, pass the bound after ~256 messages.
LEAD = 100


def read_own_echo(client, count, result, progress):
    """The flooder reads its own messages back (it must not become a slow reader)."""
    seen = 0
    try:
        while seen < count:
            frame = client.recv_json(timeout=60)
            if frame.get("msg_type") == 0 and str(frame.get("message", "")).startswith("flood-"):
                seen += 1
                progress[0] = seen
    except (ConnectionEnded, OSError) as e:
        result.append("flooder lost its connection after %d echoes: %s" % (seen, e))
    result.append(seen)


def flood_received(pair, name):
    with pair.seen:
        return len(pair.received[name]) - len(pair.pair_seen[name])


def wait_for_readers(pair, progress, target, timeout=60):
    """Paces the flood to the readers (bounded): they are well-behaved clients on a
    machine that may be busy, and must not be mistaken for slow ones."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if min(progress[0], flood_received(pair, "A"), flood_received(pair, "B")) >= target:
            return
        time.sleep(0.002)


def scenario(binary, failures):
    """Slow readers are cut off; memory stays bounded; readers get every message."""
    config = {"outbound_queue_bytes": QUEUE_BYTES, "commands_per_second": 1000000,
              "command_burst": 1000000}
    with Server(binary, users=3 + SLOW, config=config) as server:
        pair = ChatPair(server, server.cookies[:2], interval=0.2).start()
        time.sleep(1)
        baseline = server.rss_kib()
        slow = []
        for cookie in server.cookies[3:]:
            c = Client(server.port, cookie, rcvbuf=4096)
            failures.expect("join" in c.join(ROOM), "a slow client could not join")
            slow.append(c)  # from here on it never reads
        flooder = Client(server.port, server.cookies[2])
        failures.expect("join" in flooder.join(ROOM), "the flooder could not join")
        echo, progress = [], [0]
        reader = threading.Thread(target=read_own_echo, args=(flooder, FLOOD, echo, progress),
                                  daemon=True)
        reader.start()
        sampler = RssSampler(server)
        sampler.start()
        for i in range(FLOOD):
            if i % 25 == 0:
                wait_for_readers(pair, progress, i - LEAD)
            flooder.send_json({"command": "send", "room": ROOM,
                               "message": "flood-%d %s" % (i, PAYLOAD)})
        reader.join(timeout=120)
        sampler.stopping.set()
        sampler.join(timeout=5)
        failures.expect(echo and echo[-1] == FLOOD, "the flooder got back %s of %d messages" %
                        (echo, FLOOD))
        growth = sampler.peak - baseline
        bound = SLOW * QUEUE_BYTES // 1024 + 16 * 1024
        print("rss peak during the flood: %d KiB (+%d KiB, bound +%d KiB)" %
              (sampler.peak, growth, bound), flush=True)
        failures.expect(growth <= bound or not MEMORY_BOUNDS_CHECKED,
                        "server memory grew by %d KiB during the flood "
                        "(bound %d KiB): the outbound queue is not bounded" % (growth, bound))

        # Every slow reader was disconnected: reading now ends in a close or EOF.
        codes = []
        for c in slow:
            c.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 20)
            try:
                codes.append(c.wait_close(timeout=30))
            except socket.timeout:
                codes.append("still open")
            c.sock.close()
        print("slow readers ended with:", codes, flush=True)
        failures.expect(all(code in (1013, 1008, None) for code in codes),
                        "slow readers were not all disconnected: %s" % codes)
        pair.stop()
        # The pair received the whole flood, in order.
        for name in ("A", "B"):
            flood = [m.split(" ", 1)[0] for _, m in pair.received[name]
                     if str(m).startswith("flood-")]
            failures.expect(flood == ["flood-%d" % i for i in range(FLOOD)],
                            "pair client %s received %d of %d flood messages" %
                            (name, len(flood), FLOOD))
        check_server_end_state(failures, server, pair, baseline, slack_kib=16 * 1024)


if __name__ == "__main__":
    main(scenario)
