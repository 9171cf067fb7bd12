"""Fixture for the channel_layer = "redis" suites: a real redis-server on a free loopback
port (that can be killed and restarted on the same port), two whisper-server processes
sharing it and one SQLite file, and the waits that make cross-process checks exact.

Every wait is bounded; a test only ever signals the processes it started, by PID.
"""
import asyncio
import os
import shutil
import signal
import socket
import subprocess
import time

from whisper_fixture import (Browser, Env, Server, logged_in, ws_connect, ws_recv, ws_recv_until,
                             ws_send)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Redis:
    """redis-server without persistence: a restart on the same port comes back empty,
    as after a crash of a cache-only Redis."""

    def __init__(self, port=None):
        assert shutil.which("redis-server"), "redis-server is needed for this test"
        self.port = port or free_port()
        self.proc = subprocess.Popen(
            [shutil.which("redis-server"), "--port", str(self.port), "--bind", "127.0.0.1",
             "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return
            except OSError:
                time.sleep(0.05)
        self.stop()
        raise AssertionError("redis-server did not start")

    def kill(self):
        """SIGKILL: Redis vanishes without a goodbye, as in a crash or an OOM kill."""
        if self.proc.poll() is None:
            os.kill(self.proc.pid, signal.SIGKILL)
        self.proc.wait(timeout=10)

    def pause(self):
        """SIGSTOP: Redis hangs with its connections open (a stuck host, a black hole)."""
        os.kill(self.proc.pid, signal.SIGSTOP)

    def resume(self):
        os.kill(self.proc.pid, signal.SIGCONT)

    def stop(self):
        if self.proc.poll() is None:
            os.kill(self.proc.pid, signal.SIGCONT)  # a paused Redis cannot act on SIGTERM
            self.proc.terminate()
        self.proc.wait(timeout=10)


def redis_metrics(server):
    """The whisper_redis_* samples of a server's /metrics."""
    body = Browser(server).get("/metrics").body
    return {line.split(" ")[0]: float(line.split(" ")[1]) for line in body.splitlines()
            if line.startswith("whisper_redis_")}


def wait_for_metric(server, name, predicate, timeout=20):
    """Polls /metrics until predicate(value of name) holds; returns the last samples."""
    deadline = time.monotonic() + timeout
    while True:
        samples = redis_metrics(server)
        if predicate(samples[name]):
            return samples
        assert time.monotonic() < deadline, f"{name} stayed {samples[name]} on :{server.port}"
        time.sleep(0.1)


def redis_env(redis, prefix, extra_config=""):
    """A migrated Env whose servers use `redis` as their channel layer."""
    return Env(f'channel_layer = "redis"\nredis_url = "redis://127.0.0.1:{redis.port}/0"\n'
               f'redis_prefix = "{prefix}{redis.port}"\n{extra_config}').migrated()


class TwoServers:
    """Two whisper-server processes on one Redis and one database; with-block stops both
    (and asserts they exit cleanly on SIGTERM), then Redis."""

    def __init__(self, users=(), staff=(), rooms=("Lobby",), staff_rooms=(), extra_config=""):
        self.redis = Redis()
        self.crashed = []
        try:
            self.env = redis_env(self.redis, "xp", extra_config)
            for name in users:
                self.env.add_user(name)
            for name in staff:
                self.env.add_user(name, staff=True)
            self.rooms = {title: self.env.add_room(title) for title in rooms}
            self.rooms.update({t: self.env.add_room(t, staff_only=True) for t in staff_rooms})
            self.first = Server(self.env)
            try:
                self.second = Server(self.env)
            except BaseException:
                self.first.stop()
                raise
        except BaseException:
            self.redis.stop()
            raise

    def crash(self, server):
        """SIGKILL one of the two servers (by its PID), as a crash would end it."""
        os.kill(server.proc.pid, signal.SIGKILL)
        server.proc.wait(timeout=10)
        self.crashed.append(server)

    def cookie(self, server, username):
        return f"sessionid={logged_in(server, username).session()}"

    def kill_redis(self):
        """SIGKILL redis-server, then wait (bounded) until both servers report it gone."""
        self.redis.kill()
        for server in (self.first, self.second):
            wait_for_metric(server, "whisper_redis_connected", lambda v: v == 0, timeout=10)

    def restart_redis(self):
        """A fresh, empty redis-server on the same port (as after a crash without
        persistence); waits (bounded) until both servers are connected again and returns
        their /metrics samples."""
        self.redis = Redis(self.redis.port)
        return [wait_for_metric(server, "whisper_redis_connected", lambda v: v == 1, timeout=30)
                for server in (self.first, self.second)]

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        try:
            for name, server in (("first", self.first), ("second", self.second)):
                if server not in self.crashed:
                    assert server.terminate() == 0, f"{name} server did not exit cleanly"
        finally:
            self.first.stop()
            self.second.stop()
            self.redis.stop()


async def joined(server, cookie, room):
    """A WebSocket on `server` that has joined `room` (its join reply consumed)."""
    ws = await ws_connect(server, cookie)
    await ws_send(ws, command="join", room=room)
    frame = await ws_recv(ws)
    assert frame.get("join") == str(room), frame
    return ws


async def until_delivered(sender, receiver, room, timeout=15):
    """Sends numbered probes from `sender` until one reaches `receiver`: proves the
    receiver's process is subscribed to the room before a test relies on it. Returns the
    frames the receiver got meanwhile (the probes included)."""
    deadline = time.monotonic() + timeout
    seen = []
    for n in range(1_000_000):
        text = f"probe {n}"
        await ws_send(sender, command="send", room=room, message=text)
        wait_until = min(deadline, time.monotonic() + 0.5)
        while time.monotonic() < wait_until:
            try:
                frame = await ws_recv(receiver, wait_until - time.monotonic())
            except asyncio.TimeoutError:
                break
            seen.append(frame)
            if frame.get("msg_type") == 0 and frame.get("message") == text:
                return seen
        assert time.monotonic() < deadline, "no probe crossed between the processes"
    raise AssertionError("unreachable")


async def frames_until(ws, predicate, timeout=5):
    """Every frame up to and including the first that matches predicate."""
    deadline = time.monotonic() + timeout
    frames = []
    while True:
        left = deadline - time.monotonic()
        assert left > 0, f"expected frame did not arrive; got {frames}"
        try:
            frame = await ws_recv(ws, left)
        except asyncio.TimeoutError:
            raise AssertionError(f"expected frame did not arrive; got {frames}")
        frames.append(frame)
        if predicate(frame):
            return frames


async def room_users_until(ws, room, accept, timeout=20):
    """room_users until accept(users by username) holds; returns those users. Presence is
    written to Redis asynchronously (and rewritten on reconnect), so a bounded retry, not
    a single read, is the fair check."""
    deadline = time.monotonic() + timeout
    while True:
        await ws_send(ws, command="room_users", room=room)
        reply = await ws_recv_until(ws, lambda f: f.get("type") == 6)
        assert reply["room"] == room, reply
        users = {u["username"]: u for u in reply["data"]["users"].values()}
        if accept(users):
            return users
        assert time.monotonic() < deadline, f"presence never matched; last: {users}"
        await asyncio.sleep(0.1)
