#!/usr/bin/env python3
"""Malformed JSON commands: each is answered with the error code PROTOCOL.md gives it
(BAD_REQUEST for anything that is not a well-formed command), the connection stays
open and still works afterwards, while a well-behaved pair keeps chatting."""

import json

from faultlib.chat_pair import ChatPair
from faultlib.checks import check_server_end_state, main
from faultlib.server import ROOM, Server
from faultlib.wsclient import OP_TEXT, Client

# (frame text, expected error code)
CASES = [
    ("", "BAD_REQUEST"),
    ("not json", "BAD_REQUEST"),
    ("{", "BAD_REQUEST"),
    ("[]", "BAD_REQUEST"),
    ("[{\"command\": \"join\", \"room\": 1}]", "BAD_REQUEST"),
    ("42", "BAD_REQUEST"),
    ("\"join\"", "BAD_REQUEST"),
    ("null", "BAD_REQUEST"),
    ("{}", "BAD_REQUEST"),
    ("{\"command\": 5}", "BAD_REQUEST"),
    ("{\"command\": null}", "BAD_REQUEST"),
    ("{\"command\": \"nope\"}", "BAD_REQUEST"),
    ("{\"command\": \"JOIN\", \"room\": 1}", "BAD_REQUEST"),
    ("{\"command\": \"join\"}", "BAD_REQUEST"),
    ("{\"command\": \"join\", \"room\": \"abc\"}", "ROOM_INVALID"),
    ("{\"command\": \"join\", \"room\": \"-1\"}", "ROOM_INVALID"),
    ("{\"command\": \"join\", \"room\": 1.5}", "ROOM_INVALID"),
    ("{\"command\": \"join\", \"room\": 99999999999999999999999}", "ROOM_INVALID"),
    ("{\"command\": \"join\", \"room\": {\"id\": 1}}", "ROOM_INVALID"),
    ("{\"command\": \"send\", \"room\": 1}", "BAD_REQUEST"),
    ("{\"command\": \"send\", \"room\": 1, \"message\": 5}", "BAD_REQUEST"),
    ("{\"command\": \"join\", \"room\": 1,}", "BAD_REQUEST"),
    ("{\"command\": \"join\" \"room\": 1}", "BAD_REQUEST"),
    ("{\"command\": \"join\", \"room\": 1} trailing", "BAD_REQUEST"),
    ("{\"command\": \"send\", \"room\": 1, \"message\": \"\\ud800\"}", "BAD_REQUEST"),
    ("{\"command\": \"send\", \"room\": 1, \"message\": \"\\x\"}", "BAD_REQUEST"),
    ("[" * 200 + "]" * 200, "BAD_REQUEST"),
    ("{\"a\":" * 100 + "1" + "}" * 100, "BAD_REQUEST"),
    ("{\"command\": \"join\", \"room\": 1, \"x\": " + "[" * 50 + "]" * 50 + "}", "BAD_REQUEST"),
]


def scenario(binary, failures):
    """Malformed JSON commands get error replies; the connection stays usable."""
    config = {"commands_per_second": 1000, "command_burst": 1000}
    with Server(binary, users=3, config=config) as server:
        pair = ChatPair(server, server.cookies[:2]).start()
        baseline = server.rss_kib()
        client = Client(server.port, server.cookies[2])
        for rounds in range(20):  # a burst: every case, many times
            for text, code in CASES:
                client.send_frame(OP_TEXT, text)
                reply = client.recv_json(timeout=10)
                if rounds == 0 or reply.get("error") != code:
                    failures.expect(reply.get("error") == code,
                                    "%r: expected %s, got %r" % (text[:60], code, reply))
        # Still open and working: join, send, receive its own message.
        failures.expect("join" in client.join(ROOM), "join after the malformed commands failed")
        client.send_json({"command": "send", "room": ROOM, "message": "still here"})
        got = None
        for _ in range(200):
            frame = client.recv_json(timeout=10)
            if frame.get("msg_type") == 0 and frame.get("message") == "still here":
                got = frame
                break
        failures.expect(got is not None, "the connection did not work after malformed commands")
        client.close()
        pair.stop()
        check_server_end_state(failures, server, pair, baseline, slack_kib=16 * 1024)
        print(json.dumps({"cases": len(CASES), "pair_messages": pair.sent}))


if __name__ == "__main__":
    main(scenario)
