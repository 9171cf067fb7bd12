"""channel_layer = "redis" while Redis dies (SIGKILL) and comes back on the same port,
checked against what docs/configuration.md ("The Redis channel layer during an outage")
promises: no WebSocket is closed, each process's own rooms keep working, /metrics says
disconnected and counts the publishes it lost, and the servers reconnect, re-subscribe
and carry rooms across processes again by themselves."""
import asyncio
import time

from redis_fixture import (TwoServers, joined, room_users_until, until_delivered,
                           wait_for_metric)
from whisper_fixture import BIN, run_tests, ws_close_code, ws_recv_until, ws_send

CONNECTED = "whisper_redis_connected"


async def local_chat(sender, receiver, room, text):
    """sender and receiver share a process: the message must arrive, Redis or not."""
    await ws_send(sender, command="send", room=room, message=text)
    frame = await ws_recv_until(receiver, lambda f: f.get("message") == text)
    assert frame["msg_type"] == 0 and frame["room"] == room, frame


def assert_outage_logged_once(server, timeout=10):
    """One warning per Redis connection that noticed the outage (the channel layer's
    publisher and the presence connection; the subscriber's is at debug level), however
    many reconnection attempts failed, and the publisher's recovery at info."""
    deadline = time.monotonic() + timeout
    while not any("(publisher) is back" in line for line in server.lines):
        assert time.monotonic() < deadline, "recovery not logged:\n" + "".join(server.lines)
        time.sleep(0.1)
    warnings = [line for line in server.lines
                if "lost the connection to Redis" in line or "cannot reach Redis" in line]
    roles = sorted(line.split("(")[1].split(")")[0] for line in warnings)
    assert roles == ["presence", "publisher"], "".join(warnings)


def test_redis_killed_then_restarted_on_the_same_port():
    with TwoServers(users=("alice", "carol", "bob", "dave")) as s:
        lobby = s.rooms["Lobby"]
        cookies = {name: s.cookie(server, name) for name, server in
                   (("alice", s.first), ("carol", s.first), ("bob", s.second),
                    ("dave", s.second))}

        async def scenario():
            # alice and carol on process 1, bob and dave on process 2, all in the lobby.
            a = await joined(s.first, cookies["alice"], lobby)
            c = await joined(s.first, cookies["carol"], lobby)
            b = await joined(s.second, cookies["bob"], lobby)
            d = await joined(s.second, cookies["dave"], lobby)
            await until_delivered(a, b, lobby)
            await until_delivered(b, a, lobby)
            failures_before = wait_for_metric(s.first, CONNECTED, lambda v: v == 1)[
                "whisper_redis_publish_failures_total"]

            s.kill_redis()

            # Each process's own room members still chat, both ways.
            await local_chat(a, c, lobby, "outage: alice to carol")
            await local_chat(d, b, lobby, "outage: dave to bob")
            # The publish alice's message needed could not be sent: it is counted.
            wait_for_metric(s.first, "whisper_redis_publish_failures_total",
                            lambda v: v > failures_before, timeout=10)
            # room_users is answered from the process's own users meanwhile.
            await ws_send(a, command="room_users", room=lobby)
            reply = await ws_recv_until(a, lambda f: f.get("type") == 6)
            assert {u["username"] for u in reply["data"]["users"].values()} == {"alice", "carol"}
            # Leaving and joining during the outage are announced within the process.
            await ws_send(c, command="leave", room=lobby)
            await ws_recv_until(c, lambda f: "leave" in f)
            await ws_send(c, command="join", room=lobby)
            await ws_recv_until(c, lambda f: f.get("join") == str(lobby))
            await ws_recv_until(a, lambda f: f == {"msg_type": 5, "room": lobby,
                                                   "username": "carol"})
            await ws_recv_until(a, lambda f: f == {"msg_type": 4, "room": lobby,
                                                   "username": "carol"})

            assert s.first.proc.poll() is None and s.second.proc.poll() is None
            for samples in s.restart_redis():
                assert samples["whisper_redis_reconnects_total"] >= 1, samples

            # Re-subscribed on their own: a message sent now crosses, both ways.
            await ws_send(c, command="send", room=lobby, message="after: carol to dave")
            frame = await ws_recv_until(d, lambda f: f.get("message") == "after: carol to dave",
                                        timeout=10)
            assert frame == {"msg_type": 0, "room": lobby, "username": "carol",
                             "message": "after: carol to dave"}
            await ws_send(b, command="send", room=lobby, message="after: bob to alice")
            await ws_recv_until(a, lambda f: f.get("message") == "after: bob to alice",
                                timeout=10)

            # carol's leave and join during the outage reached Redis once it was back.
            users = await room_users_until(
                b, lobby, lambda u: "carol" in u and not u["carol"]["left"])
            assert {"alice", "bob", "dave"} <= set(users), users
            # No WebSocket was closed by the outage.
            for ws in (a, b, c, d):
                assert ws.open, ws.close_code
                await ws.close()
        asyncio.run(scenario())
        for server in (s.first, s.second):
            assert_outage_logged_once(server)


def test_a_hung_redis_is_detected_and_the_servers_recover_when_it_answers_again():
    """Redis stops answering with its connections open (SIGSTOP): the health check
    (1 s here) declares it down, /metrics says so and counts it, each process's own
    rooms keep working, no WebSocket is closed; once Redis answers again (SIGCONT) the
    servers reconnect and cross-process delivery resumes."""
    health = "redis_health_check_interval = 1\nredis_health_check_timeout = 1\n"
    with TwoServers(users=("alice", "bob", "carol"), extra_config=health) as s:
        lobby = s.rooms["Lobby"]
        alice = s.cookie(s.first, "alice")
        bob = s.cookie(s.second, "bob")
        carol = s.cookie(s.first, "carol")

        async def scenario():
            a = await joined(s.first, alice, lobby)
            b = await joined(s.second, bob, lobby)
            c = await joined(s.first, carol, lobby)
            await until_delivered(a, b, lobby)
            s.redis.pause()
            try:
                for server in (s.first, s.second):
                    samples = wait_for_metric(server, CONNECTED, lambda v: v == 0, timeout=15)
                    assert samples["whisper_redis_health_check_failures_total"] >= 1, samples
                await local_chat(a, c, lobby, "hung: alice to carol")
            finally:
                s.redis.resume()
            for server in (s.first, s.second):
                wait_for_metric(server, CONNECTED, lambda v: v == 1, timeout=30)
            await ws_send(b, command="send", room=lobby, message="after the hang: bob")
            frame = await ws_recv_until(a, lambda f: f.get("message") == "after the hang: bob",
                                        timeout=10)
            assert frame["username"] == "bob", frame
            for ws in (a, b, c):
                await ws.close()
        asyncio.run(scenario())


def test_presence_is_refilled_after_redis_restarts_empty():
    """The doc's promise: a Redis restarted empty is refilled by every process, so
    room_users again lists the users of both processes."""
    with TwoServers(users=("alice", "bob")) as s:
        lobby = s.rooms["Lobby"]
        alice = s.cookie(s.first, "alice")
        bob = s.cookie(s.second, "bob")

        async def scenario():
            a = await joined(s.first, alice, lobby)
            b = await joined(s.second, bob, lobby)
            await until_delivered(a, b, lobby)
            s.kill_redis()
            s.restart_redis()
            users = await room_users_until(b, lobby, lambda u: {"alice", "bob"} <= set(u))
            assert not users["alice"]["left"] and not users["bob"]["left"], users
            await a.close()
            await b.close()
        asyncio.run(scenario())


def test_users_of_a_crashed_server_process_show_as_left():
    """The doc's promise for a process that dies without saying goodbye (SIGKILL): its
    users show as left in room_users on the surviving process (within about 15 s, when
    the dead process's heartbeat key expires; the wait here is bounded well above that),
    while the surviving process's own users stay listed as present."""
    with TwoServers(users=("alice", "bob")) as s:
        lobby = s.rooms["Lobby"]
        alice = s.cookie(s.first, "alice")
        bob = s.cookie(s.second, "bob")

        async def scenario():
            a = await joined(s.first, alice, lobby)
            b = await joined(s.second, bob, lobby)
            await room_users_until(b, lobby, lambda u: "alice" in u and not u["alice"]["left"])
            s.crash(s.first)
            await ws_close_code(a)  # the crash dropped alice's connection
            users = await room_users_until(
                b, lobby, lambda u: u.get("alice", {}).get("left") is True, timeout=40)
            assert users["bob"]["left"] is False, users
            await b.close()
        asyncio.run(scenario())


if __name__ == "__main__":
    assert BIN, "set WHISPER_SERVER_BIN"
    run_tests(globals())
