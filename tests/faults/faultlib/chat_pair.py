"""Two well-behaved clients chatting in one room while a fault test does its damage.
Each message one of them sends must reach both, in order; `problems()` lists every
message lost, connection dropped or error received."""

import socket
import threading
import time

from .server import ROOM
from .wsclient import Client, ConnectionEnded


class ChatPair:
    def __init__(self, server, cookies, room=ROOM, interval=0.05):
        self.server = server
        self.cookies = cookies
        self.room = room
        self.interval = interval
        self.stopping = threading.Event()
        self.seen = threading.Condition()
        self.received = {"A": [], "B": []}  # (username, message) of every chat message
        self.pair_seen = {"A": [], "B": []}  # the pair's own messages, in arrival order
        self.pair_set = {"A": set(), "B": set()}
        self.errors = []
        self.sent = 0
        self.threads = []

    def start(self):
        self.clients = {"A": Client(self.server.port, self.cookies[0]),
                        "B": Client(self.server.port, self.cookies[1])}
        for name, client in self.clients.items():
            reply = client.join(self.room)
            if "join" not in reply:
                raise RuntimeError("pair client %s could not join: %r" % (name, reply))
        for name in self.clients:
            self.threads.append(threading.Thread(target=self.read, args=(name,), daemon=True))
        self.threads.append(threading.Thread(target=self.talk, daemon=True))
        for t in self.threads:
            t.start()
        return self

    def read(self, name):
        client = self.clients[name]
        while not self.stopping.is_set():
            try:
                frame = client.recv_json(timeout=1)
            except (socket.timeout, TimeoutError):
                continue
            except (ConnectionEnded, OSError) as e:
                if not self.stopping.is_set():
                    self.errors.append("pair client %s lost its connection: %s" % (name, e))
                return
            if "error" in frame:
                self.errors.append("pair client %s got an error: %r" % (name, frame))
            if frame.get("msg_type") == 0 and frame.get("room") == self.room:
                message = frame.get("message")
                with self.seen:
                    self.received[name].append((frame.get("username"), message))
                    if str(message).startswith("pair-"):
                        self.pair_seen[name].append(message)
                        self.pair_set[name].add(message)
                        self.seen.notify_all()

    def pair_messages(self, name):
        with self.seen:
            return list(self.pair_seen[name])

    def talk(self):
        n = 0
        while not self.stopping.is_set():
            text = "pair-%d" % n
            sender = self.clients["A" if n % 2 == 0 else "B"]
            try:
                sender.send_json({"command": "send", "room": self.room, "message": text})
            except OSError as e:
                self.errors.append("pair could not send %s: %s" % (text, e))
                return
            self.sent = n + 1
            # Wait (bounded) until both have it: a loss shows up as a missing message.
            deadline = time.monotonic() + 15
            with self.seen:
                while not all(text in self.pair_set[k] for k in self.pair_set):
                    left = deadline - time.monotonic()
                    if left <= 0 or self.stopping.is_set():
                        break
                    self.seen.wait(min(left, 0.5))
            n += 1
            time.sleep(self.interval)

    def stop(self, min_messages=20):
        # Let the pair talk a little even when the fault was quick (bounded wait).
        deadline = time.monotonic() + 30
        while self.sent < min_messages and not self.errors and time.monotonic() < deadline:
            time.sleep(0.05)
        self.stopping.set()
        for t in self.threads:
            t.join(timeout=20)
        for client in self.clients.values():
            client.close()

    def problems(self):
        """Everything that went wrong for the pair (empty when nothing did)."""
        out = list(self.errors)
        expected = ["pair-%d" % i for i in range(self.sent)]
        for name in self.received:
            got = self.pair_messages(name)
            # The last message may still be in flight when stop() was called.
            if got != expected and got != expected[:-1]:
                missing = sorted(set(expected[:-1]) - set(got), key=lambda m: int(m[5:]))
                out.append("pair client %s: %d sent, %d received, missing %s%s" %
                           (name, self.sent, len(got), missing[:10],
                            "" if missing else " (order differs)"))
        if self.sent < 10:
            out.append("pair sent only %d messages: the chat was not kept busy" % self.sent)
        return out
