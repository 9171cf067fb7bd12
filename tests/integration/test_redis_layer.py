"""channel_layer = "redis": two whisper-server processes sharing one Redis (started here
on a free loopback port) carry one room between them."""
import asyncio
import shutil
import socket
import subprocess
import time

from whisper_fixture import (BIN, Env, Server, logged_in, run_tests, ws_connect, ws_recv_until,
                             ws_send)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Redis:
    def __init__(self):
        self.port = free_port()
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

    def stop(self):
        self.proc.terminate()
        self.proc.wait(timeout=10)


def test_two_processes_share_a_room_through_redis():
    assert shutil.which("redis-server"), "redis-server is needed for this test"
    redis = Redis()
    try:
        env = Env(f'channel_layer = "redis"\nredis_url = "redis://127.0.0.1:{redis.port}/0"\n'
                  f'redis_prefix = "it{redis.port}"').migrated()
        env.add_user("alice")
        env.add_user("bob")
        lobby = env.add_room("Lobby")
        first = Server(env)
        second = Server(env)
        try:
            alice = f"sessionid={logged_in(first, 'alice').session()}"
            bob = f"sessionid={logged_in(second, 'bob').session()}"

            async def scenario():
                a = await ws_connect(first, alice)
                b = await ws_connect(second, bob)
                for ws in (a, b):
                    await ws_send(ws, command="join", room=lobby)
                    await ws_recv_until(ws, lambda f: f.get("join") == str(lobby))
                await asyncio.sleep(0.3)  # let the SUBSCRIBEs reach Redis
                await ws_send(a, command="send", room=lobby, message="across processes")
                frame = await ws_recv_until(b, lambda f: f.get("msg_type") == 0)
                assert frame["username"] == "alice" and frame["message"] == "across processes"
                await a.close()
                await b.close()
            asyncio.run(scenario())
        finally:
            assert first.terminate() == 0
            assert second.terminate() == 0
    finally:
        redis.stop()


if __name__ == "__main__":
    assert BIN, "set WHISPER_SERVER_BIN"
    run_tests(globals())
