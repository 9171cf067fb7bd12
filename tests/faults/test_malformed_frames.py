#!/usr/bin/env python3
"""A burst of malformed WebSocket frames of every kind, each on its own connection,
while a well-behaved pair keeps chatting. Each bad connection is closed with the code
RFC 6455 / PROTOCOL.md gives its fault (1002 protocol error, 1003 binary, 1007 bad
UTF-8, 1009 too big); the server stays up, the pair loses nothing, memory comes back."""

import socket
import struct

from faultlib.chat_pair import ChatPair
from faultlib.checks import check_server_end_state, main
from faultlib.server import Server
from faultlib.wsclient import (OP_BINARY, OP_CLOSE, OP_CONT, OP_PING, OP_TEXT, Client,
                               encode_frame)

MAX_FRAME = 64 * 1024

# name -> (bytes to send, expected close code; None: the server just drops the connection)
CASES = {
    "bad utf-8 in a text frame": (encode_frame(OP_TEXT, b'{"a":"\xc3\x28"}'), 1007),
    "utf-8 overlong": (encode_frame(OP_TEXT, b"\xc0\xaf"), 1007),
    "utf-8 surrogate": (encode_frame(OP_TEXT, b"\xed\xa0\x80"), 1007),
    "text ends inside a character": (encode_frame(OP_TEXT, b"ab\xe2\x82"), 1007),
    "unmasked frame": (encode_frame(OP_TEXT, b'{"command":"x"}', mask=False), 1002),
    "length over the frame limit": (encode_frame(OP_TEXT, b"", length=MAX_FRAME + 1), 1009),
    "64-bit length of 1 TiB": (encode_frame(OP_TEXT, b"", length=1 << 40), 1009),
    "64-bit length with the top bit set": (encode_frame(OP_TEXT, b"", length=1 << 63), 1002),
    "fragments over the limit": (encode_frame(OP_TEXT, b"a" * 40000, fin=False) +
                                 encode_frame(OP_CONT, b"a" * 40000), 1009),
    "ping of 126 bytes": (encode_frame(OP_PING, b"p" * 126), 1002),
    "close of 126 bytes": (encode_frame(OP_CLOSE, b"\x03\xe8" + b"r" * 124), 1002),
    "fragmented ping": (encode_frame(OP_PING, b"p", fin=False), 1002),
    "reserved opcode 3": (encode_frame(0x3, b"x"), 1002),
    "reserved opcode 0xB": (encode_frame(0xB, b"x"), 1002),
    "RSV1 set": (encode_frame(OP_TEXT, b"{}", rsv=0x40), 1002),
    "RSV3 set": (encode_frame(OP_TEXT, b"{}", rsv=0x10), 1002),
    "continuation without a message": (encode_frame(OP_CONT, b"x"), 1002),
    "text inside a fragmented text": (encode_frame(OP_TEXT, b"a", fin=False) +
                                      encode_frame(OP_TEXT, b"b"), 1002),
    "binary frame": (encode_frame(OP_BINARY, b"\x00\x01"), 1003),
    "close with code 999": (encode_frame(OP_CLOSE, struct.pack(">H", 999)), 1002),
    "close with a 1-byte payload": (encode_frame(OP_CLOSE, b"\x03"), 1002),
    "close reason not utf-8": (encode_frame(OP_CLOSE, b"\x03\xe8\xff"), 1007),
}

# Frames cut short: the client sends part of a frame, then ends its side (FIN) or
# resets. The server must drop the connection and free what it held.
TRUNCATED = {
    "header cut after 1 byte": encode_frame(OP_TEXT, b"hello")[:1],
    "extended length cut": encode_frame(OP_TEXT, b"x" * 300)[:3],
    "mask key cut": encode_frame(OP_TEXT, b"hello")[:4],
    "payload cut": encode_frame(OP_TEXT, b"x" * 1000)[:500],
}


def run_case(server, cookie, data, expected, failures, name):
    client = Client(server.port, cookie)
    client.send_raw(data)
    try:
        code = client.wait_close(timeout=15)
    except socket.timeout:
        failures.expect(False, "%s: the server did not close the connection" % name)
        client.abort()
        return
    failures.expect(code == expected, "%s: expected close %s, got %s" % (name, expected, code))
    client.sock.close()


def run_truncated(server, cookie, data, reset, failures, name):
    client = Client(server.port, cookie)
    client.send_raw(data)
    if reset:
        client.abort()
        return
    client.sock.shutdown(socket.SHUT_WR)  # EOF in the middle of a frame
    try:
        client.wait_close(timeout=15)
    except socket.timeout:
        failures.expect(False, "%s: the connection was not dropped after EOF" % name)
    client.sock.close()


def scenario(binary, failures):
    """Malformed frames close their own connection with the right code, and only it."""
    with Server(binary, users=3) as server:
        pair = ChatPair(server, server.cookies[:2]).start()
        baseline = server.rss_kib()
        cookie = server.cookies[2]
        for rounds in range(10):
            for name, (data, expected) in CASES.items():
                run_case(server, cookie, data, expected, failures,
                         name if rounds == 0 else "%s (round %d)" % (name, rounds))
            for name, data in TRUNCATED.items():
                run_truncated(server, cookie, data, rounds % 2 == 1, failures, name)
            failures.expect(server.alive(), "the server died in round %d" % rounds)
            if not server.alive():
                break
        pair.stop()
        print("pair messages:", pair.sent, flush=True)
        check_server_end_state(failures, server, pair, baseline, slack_kib=16 * 1024)


if __name__ == "__main__":
    main(scenario)
