"""channel_layer = "redis": two whisper-server processes sharing one Redis (started here
on a free loopback port) carry one room between them, and /metrics shows the Redis
layer's state and traffic."""
import asyncio
import shutil
import time

from redis_fixture import Redis, free_port, redis_metrics
from whisper_fixture import (BIN, Env, Server, logged_in, run_tests, ws_connect, ws_recv_until,
                             ws_send)


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
            sent, received = redis_metrics(first), redis_metrics(second)
            assert sent["whisper_redis_connected"] == 1 and received["whisper_redis_connected"] == 1
            assert sent["whisper_redis_published_total"] >= 1, sent
            assert received["whisper_redis_received_total"] >= 1, received
        finally:
            assert first.terminate() == 0
            assert second.terminate() == 0
    finally:
        redis.stop()


def test_redis_down_at_start_with_retry_serves_local_rooms_then_connects():
    """redis_retry_on_start: the server starts while Redis is unreachable, its own rooms
    work meanwhile, and it connects by itself once Redis appears."""
    assert shutil.which("redis-server"), "redis-server is needed for this test"
    port = free_port()  # nothing listens there yet
    env = Env(f'channel_layer = "redis"\nredis_url = "redis://127.0.0.1:{port}/0"\n'
              f'redis_prefix = "retry{port}"\nredis_retry_on_start = true').migrated()
    env.add_user("alice")
    env.add_user("bob")
    lobby = env.add_room("Lobby")
    server = Server(env)
    redis = None
    try:
        assert redis_metrics(server)["whisper_redis_connected"] == 0
        alice = f"sessionid={logged_in(server, 'alice').session()}"
        bob = f"sessionid={logged_in(server, 'bob').session()}"

        async def local_chat():
            a = await ws_connect(server, alice)
            b = await ws_connect(server, bob)
            for ws in (a, b):
                await ws_send(ws, command="join", room=lobby)
                await ws_recv_until(ws, lambda f: f.get("join") == str(lobby))
            await ws_send(a, command="send", room=lobby, message="while Redis is away")
            frame = await ws_recv_until(b, lambda f: f.get("msg_type") == 0)
            assert frame["message"] == "while Redis is away"
            await a.close()
            await b.close()
        asyncio.run(local_chat())

        redis = Redis(port)
        deadline = time.monotonic() + 20
        while redis_metrics(server)["whisper_redis_connected"] != 1:
            assert time.monotonic() < deadline, "the server did not connect once Redis was up"
            time.sleep(0.2)
    finally:
        assert server.terminate() == 0
        if redis:
            redis.stop()


if __name__ == "__main__":
    assert BIN, "set WHISPER_SERVER_BIN"
    run_tests(globals())
