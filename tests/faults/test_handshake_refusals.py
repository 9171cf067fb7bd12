#!/usr/bin/env python3
"""Upgrades that must be refused (PROTOCOL.md §1), in a burst, while the pair chats:
a cross-site Origin carrying a valid session cookie (cross-site WebSocket hijacking),
Origin "null", a look-alike host, userinfo in the Origin, no cookie, and a forged
session id. Each gets HTTP 403 and no WebSocket; the same cookie from the page's own
origin is accepted. The server stays up and the pair loses nothing."""

from faultlib.chat_pair import ChatPair
from faultlib.checks import check_server_end_state, main
from faultlib.server import Server
from faultlib.wsclient import Client, HandshakeRefused


def refused(server, cookie, origin):
    try:
        client = Client(server.port, cookie, origin=origin)
    except HandshakeRefused as e:
        return str(e)
    client.close()
    return None


def scenario(binary, failures):
    """Cross-site and unauthenticated upgrades are refused with 403."""
    with Server(binary, users=3) as server:
        pair = ChatPair(server, server.cookies[:2]).start()
        baseline = server.rss_kib()
        cookie = server.cookies[2]
        own = "http://127.0.0.1:%d" % server.port
        cases = [
            ("cross-site origin with a valid cookie", cookie, "http://evil.example"),
            ("origin null", cookie, "null"),
            ("look-alike host", cookie, "http://127.0.0.1.evil.example:%d" % server.port),
            ("userinfo in the origin", cookie, "http://127.0.0.1:%d@evil.example" % server.port),
            ("same host, other port", cookie, "http://127.0.0.1:1"),
            ("no cookie", None, own),
            ("forged session id", "sessionid=" + "0" * 64, own),
            ("empty session id", "sessionid=", None),
        ]
        for rounds in range(20):
            for name, c, origin in cases:
                status = refused(server, c, origin)
                failures.expect(status is not None and " 403" in status,
                                "%s: expected 403, got %s" % (name, status or "101 (accepted)"))
        failures.expect(refused(server, cookie, own) is None,
                        "the page's own origin was refused")
        pair.stop()
        check_server_end_state(failures, server, pair, baseline, slack_kib=16 * 1024)


if __name__ == "__main__":
    main(scenario)
