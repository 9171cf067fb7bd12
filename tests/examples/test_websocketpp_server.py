#!/usr/bin/env python3
"""examples/websocketpp_server over the network: upgrades without a valid token or from
another site's page are refused; two clients with tokens join the Lobby and one's
message reaches the other; SIGTERM closes the clients (1001) and ends the server.
    test_websocketpp_server.py EXAMPLE_BINARY"""

import os
import signal
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "faults"))
from faultlib.wsclient import Client, HandshakeRefused  # noqa: E402


def refused(port, **kwargs):
    try:
        Client(port, **kwargs).close()
    except HandshakeRefused as e:
        return str(e)
    return None


def main():
    server = subprocess.Popen([sys.argv[1], "0"], stdout=subprocess.PIPE, text=True)
    try:
        line = server.stdout.readline()
        assert line.startswith("listening on 127.0.0.1:"), line
        port = int(line.rsplit(":", 1)[1])

        assert "401" in (refused(port) or ""), "no token must be refused with 401"
        assert "401" in (refused(port, cookie="token=forged") or "")
        assert "403" in (refused(port, cookie="token=t0k3n-alice",
                                 origin="https://evil.example") or ""), "foreign Origin"

        alice = Client(port, cookie="token=t0k3n-alice", origin="http://127.0.0.1:%d" % port)
        bob = Client(port, cookie="token=t0k3n-bob")
        assert alice.join(1) == {"join": "1", "title": "Lobby"}, "alice joins"
        assert bob.join(1) == {"join": "1", "title": "Lobby"}, "bob joins"
        alice.send_json({"command": "send", "room": 1, "message": "hello over websocketpp"})
        want = {"msg_type": 0, "room": 1, "username": "alice",
                "message": "hello over websocketpp"}
        got = bob.recv_json()
        while got != want and got.get("msg_type") == 4:  # alice's ENTER notice, if any
            got = bob.recv_json()
        assert got == want, got

        alice.close()  # a client that answers the close handshake is gone at once
        server.send_signal(signal.SIGTERM)
        assert bob.wait_close() == 1001, "server stopping closes with 1001"
        bob.close()
        assert server.wait(timeout=10) == 0
    finally:
        if server.poll() is None:
            server.kill()
            server.wait()
    print("websocketpp_server: refusals, round trip and shutdown passed")


if __name__ == "__main__":
    main()
