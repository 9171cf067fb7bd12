#!/usr/bin/env python3
"""2,000 clients connect, upgrade, join the pair's room and vanish without a close
frame: half with a TCP reset (SO_LINGER 0), half with a bare FIN. The server notices
every one (presence lists them as left, their sockets are closed), stays up, the
well-behaved pair loses no message, and memory and file descriptors come back."""

import time

from faultlib.chat_pair import ChatPair
from faultlib.checks import check_server_end_state, main, raise_fd_limit
from faultlib.server import ROOM, Server
from faultlib.wsclient import Client

CLIENTS = 2000
BATCH = 500  # open at the same time before they all vanish


def wait_fds(server, limit, seconds=30):
    deadline = time.monotonic() + seconds
    fds = server.open_fds()
    while fds > limit and time.monotonic() < deadline:
        time.sleep(0.5)
        fds = server.open_fds()
    return fds


def presence(server, cookie, failures):
    """The room's presence list, from a fresh client ({"<id>": {"username", "left"}})."""
    client = Client(server.port, cookie)
    client.send_json({"command": "room_users", "room": ROOM})
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        frame = client.recv_json(timeout=30)
        if frame.get("type") == 6:
            client.close()
            return frame["data"]["users"]
    failures.expect(False, "no room_users reply")
    return {}


def scenario(binary, failures):
    """Clients that vanish without a close frame leave nothing behind."""
    raise_fd_limit()
    with Server(binary, users=CLIENTS + 3) as server:
        pair = ChatPair(server, server.cookies[:2]).start()
        time.sleep(1)
        baseline = server.rss_kib()
        baseline_fds = server.open_fds()
        cookies = server.cookies[3:]
        made = 0
        while made < CLIENTS and server.alive():
            batch = []
            for cookie in cookies[made:made + BATCH]:
                client = Client(server.port, cookie)
                reply = client.join(ROOM)
                failures.expect("join" in reply, "client %d could not join: %r" % (made, reply))
                batch.append(client)
                made += 1
            print("%d clients joined; peak rss %d KiB, %d fds" %
                  (made, server.rss_kib(), server.open_fds()), flush=True)
            for i, client in enumerate(batch):
                if i % 2 == 0:
                    client.abort()       # RST
                else:
                    client.sock.close()  # FIN, no close frame
        failures.expect(made == CLIENTS, "only %d clients were made" % made)

        fds = wait_fds(server, baseline_fds + 16)
        failures.expect(fds <= baseline_fds + 16, "the server still holds %d descriptors "
                        "(baseline %d): vanished clients were not closed" % (fds, baseline_fds))
        # Every vanished user is listed as left; the pair is still in.
        users = presence(server, server.cookies[2], failures)
        gone = {"u%d" % i for i in range(4, CLIENTS + 4)}
        still_in = sorted(e["username"] for e in users.values()
                          if e["username"] in gone and not e["left"])
        failures.expect(not still_in, "%d vanished users still listed as in the room: %s" %
                        (len(still_in), still_in[:10]))
        listed = {e["username"] for e in users.values()}
        failures.expect(gone <= listed, "%d vanished users missing from presence" %
                        len(gone - listed))
        pair.stop()
        print("pair messages:", pair.sent, flush=True)
        check_server_end_state(failures, server, pair, baseline, slack_kib=16 * 1024)


if __name__ == "__main__":
    main(scenario)
