"""A small RFC 6455 client over a plain socket, able to misbehave on purpose: it can
send any frame (unmasked, reserved bits, lying lengths), stop reading, or vanish with
a TCP reset. Every wait is bounded by a timeout."""

import base64
import json
import os
import socket
import struct
import threading
import time

OP_CONT, OP_TEXT, OP_BINARY, OP_CLOSE, OP_PING, OP_PONG = 0x0, 0x1, 0x2, 0x8, 0x9, 0xA


class HandshakeRefused(Exception):
    pass


class ConnectionEnded(Exception):
    """The server closed the TCP connection (or reset it)."""


def encode_frame(opcode, payload, fin=True, mask=True, rsv=0, length=None):
    """One frame; `length` overrides the length field (a frame that lies about its size)."""
    if isinstance(payload, str):
        payload = payload.encode()
    n = len(payload) if length is None else length
    head = bytes([(0x80 if fin else 0) | rsv | opcode])
    bit = 0x80 if mask else 0
    if n < 126:
        head += bytes([bit | n])
    elif n <= 0xFFFF:
        head += bytes([bit | 126]) + struct.pack(">H", n)
    else:
        head += bytes([bit | 127]) + struct.pack(">Q", n)
    if not mask:
        return head + payload
    key = os.urandom(4)
    return head + key + bytes(b ^ key[i % 4] for i, b in enumerate(payload))


class Client:
    def __init__(self, port, cookie=None, timeout=10, rcvbuf=None, origin=None):
        self.port = port
        self.buffer = b""
        # A reader thread answers pings while another thread sends: frames must not mix.
        self.send_lock = threading.Lock()
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        if rcvbuf:
            # Set before connect so the window is small from the start (a slow reader).
            self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
        self.sock.settimeout(timeout)
        self.sock.connect(("127.0.0.1", port))
        self.handshake(cookie, origin)

    def handshake(self, cookie, origin):
        key = base64.b64encode(os.urandom(16)).decode()
        lines = ["GET /chat/stream/ HTTP/1.1", "Host: 127.0.0.1:%d" % self.port,
                 "Upgrade: websocket", "Connection: Upgrade", "Sec-WebSocket-Key: " + key,
                 "Sec-WebSocket-Version: 13"]
        if cookie:
            lines.append("Cookie: " + cookie)
        if origin:
            lines.append("Origin: " + origin)
        self.sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
        while b"\r\n\r\n" not in self.buffer:
            self.fill()
        head, self.buffer = self.buffer.split(b"\r\n\r\n", 1)
        status = head.split(b"\r\n", 1)[0]
        if b" 101 " not in status + b" ":
            raise HandshakeRefused(status.decode(errors="replace"))

    def fill(self):
        try:
            data = self.sock.recv(65536)
        except ConnectionResetError as e:
            raise ConnectionEnded("reset") from e
        if not data:
            raise ConnectionEnded("eof")
        self.buffer += data

    def send_raw(self, data):
        with self.send_lock:
            self.sock.sendall(data)

    def send_frame(self, opcode, payload, **kwargs):
        self.send_raw(encode_frame(opcode, payload, **kwargs))

    def send_json(self, obj):
        self.send_frame(OP_TEXT, json.dumps(obj))

    def recv_frame(self):
        """(opcode, payload) of the next whole frame (fragments are not reassembled)."""
        while True:
            if len(self.buffer) >= 2:
                b0, b1 = self.buffer[0], self.buffer[1]
                n, at = b1 & 0x7F, 2
                if n == 126 and len(self.buffer) >= 4:
                    n, at = struct.unpack(">H", self.buffer[2:4])[0], 4
                elif n == 127 and len(self.buffer) >= 10:
                    n, at = struct.unpack(">Q", self.buffer[2:10])[0], 10
                if (b1 & 0x7F) < 126 or at > 2:
                    if len(self.buffer) >= at + n:
                        payload = self.buffer[at:at + n]
                        self.buffer = self.buffer[at + n:]
                        return b0 & 0x0F, payload
            self.fill()

    def recv_json(self, timeout=10):
        """The next text frame as JSON; answers pings. Raises on close or timeout."""
        deadline = time.monotonic() + timeout
        while True:
            self.sock.settimeout(max(0.05, deadline - time.monotonic()))
            opcode, payload = self.recv_frame()
            if opcode == OP_TEXT:
                return json.loads(payload)
            if opcode == OP_PING:
                self.send_frame(OP_PONG, payload)
            elif opcode == OP_CLOSE:
                code = struct.unpack(">H", payload[:2])[0] if len(payload) >= 2 else None
                raise ConnectionEnded("close frame %s" % code)

    def wait_close(self, timeout=10):
        """Reads until the server closes. Returns the close frame's code (None when the
        TCP connection ended without one), or raises socket.timeout."""
        deadline = time.monotonic() + timeout
        while True:
            self.sock.settimeout(max(0.05, deadline - time.monotonic()))
            try:
                opcode, payload = self.recv_frame()
            except ConnectionEnded:
                return None
            if opcode == OP_CLOSE:
                return struct.unpack(">H", payload[:2])[0] if len(payload) >= 2 else 1005

    def join(self, room, timeout=10):
        """Joins and waits for the reply, skipping chat traffic that arrives before it."""
        self.send_json({"command": "join", "room": room})
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            reply = self.recv_json(deadline - time.monotonic())
            if "join" in reply or "error" in reply:
                return reply
        raise TimeoutError("no join reply")

    def close(self, code=1000):
        try:
            self.send_frame(OP_CLOSE, struct.pack(">H", code))
        except OSError:
            pass
        self.sock.close()

    def abort(self):
        """Vanishes with a TCP reset: no close frame, no FIN (SO_LINGER 0)."""
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.sock.close()
