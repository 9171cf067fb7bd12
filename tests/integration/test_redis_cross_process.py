"""channel_layer = "redis" with users on DIFFERENT whisper-server processes: enter and
leave notices, presence and the staff-only check all hold across processes, as they do
within one (PROTOCOL.md §1 and §3)."""
import asyncio

from redis_fixture import TwoServers, frames_until, joined, room_users_until, until_delivered
from whisper_fixture import (BIN, Browser, logged_in, run_tests, ws_close_code, ws_connect,
                             ws_recv, ws_recv_until, ws_send)


def entered(room, username):
    return {"msg_type": 4, "room": room, "username": username}


def left(room, username):
    return {"msg_type": 5, "room": room, "username": username}


def notices_of(frames, username):
    return [f for f in frames if f.get("msg_type") in (4, 5) and f.get("username") == username]


async def notices_until(ws, username, count):
    """Every frame up to and including the count-th ENTER/LEAVE notice of username."""
    seen = 0

    def counted(frame):
        nonlocal seen
        seen += len(notices_of([frame], username))
        return seen == count
    return await frames_until(ws, counted)


def test_enter_and_leave_notices_cross_processes():
    """bob (process 2) sees alice (process 1) enter, leave, enter again and disconnect,
    each exactly once and framed as PROTOCOL.md says; carol, on alice's own process, sees
    the same sequence (a process never delivers its own events twice)."""
    with TwoServers(users=("alice", "bob", "carol")) as s:
        lobby = s.rooms["Lobby"]
        alice = s.cookie(s.first, "alice")
        bob = s.cookie(s.second, "bob")
        carol = s.cookie(s.first, "carol")

        async def scenario():
            b = await joined(s.second, bob, lobby)
            c = await joined(s.first, carol, lobby)
            await until_delivered(c, b, lobby)  # process 2 is subscribed to the room

            a = await joined(s.first, alice, lobby)
            await ws_send(a, command="leave", room=lobby)
            assert await ws_recv_until(a, lambda f: "leave" in f) == {"leave": str(lobby)}
            await ws_send(a, command="join", room=lobby)
            await ws_recv_until(a, lambda f: f.get("join") == str(lobby))
            await a.close()  # the disconnect is the second leave

            # The close handshake can complete at alice's end a moment before her server
            # has announced the disconnect, so first wait for all four notices, in order...
            expected = [entered(lobby, "alice"), left(lobby, "alice"), entered(lobby, "alice"),
                        left(lobby, "alice")]
            for ws in (b, c):
                frames = await notices_until(ws, "alice", len(expected))
                assert notices_of(frames, "alice") == expected, frames
            # ...then prove none came twice: nothing of alice's arrives before a marker
            # sent after them.
            await ws_send(c, command="send", room=lobby, message="marker")
            for ws in (b, c):
                frames = await frames_until(ws, lambda f: f.get("message") == "marker")
                assert notices_of(frames, "alice") == [], frames
            await b.close()
            await c.close()
        asyncio.run(scenario())


def test_enter_notice_reaches_the_first_process_from_the_second():
    """The other direction: alice (process 1) sees bob join and leave on process 2."""
    with TwoServers(users=("alice", "bob", "dave")) as s:
        lobby = s.rooms["Lobby"]
        alice = s.cookie(s.first, "alice")
        bob = s.cookie(s.second, "bob")
        dave = s.cookie(s.second, "dave")

        async def scenario():
            a = await joined(s.first, alice, lobby)
            d = await joined(s.second, dave, lobby)
            await until_delivered(d, a, lobby)
            b = await joined(s.second, bob, lobby)
            await ws_send(b, command="leave", room=lobby)
            await ws_recv_until(b, lambda f: "leave" in f)
            frames = await frames_until(a, lambda f: f == left(lobby, "bob"))
            assert notices_of(frames, "bob") == [entered(lobby, "bob"), left(lobby, "bob")]
            for ws in (a, b, d):
                await ws.close()
        asyncio.run(scenario())


def test_room_users_lists_users_of_both_processes_and_marks_the_disconnected_left():
    with TwoServers(users=("alice", "bob")) as s:
        lobby = s.rooms["Lobby"]
        alice = s.cookie(s.first, "alice")
        bob = s.cookie(s.second, "bob")

        def both_present(users):
            return {"alice", "bob"} <= set(users) and not any(
                users[n]["left"] for n in ("alice", "bob"))

        async def scenario():
            a = await joined(s.first, alice, lobby)
            b = await joined(s.second, bob, lobby)
            for ws in (a, b):  # each process answers with the other's user too
                users = await room_users_until(ws, lobby, both_present)
                for u in users.values():
                    assert isinstance(u["last_update"], float) and "name" in u, u
            # Alice's message on the first process moves her last_update in Redis, which
            # the second process lists (refreshes are coalesced to one a second).
            joined_at = users["alice"]["last_update"]
            await asyncio.sleep(1.1)
            await ws_send(a, command="send", room=lobby, message="still here")
            await room_users_until(
                b, lobby, lambda u: u["alice"]["last_update"] >= joined_at + 1.0)
            await a.close()
            users = await room_users_until(
                b, lobby, lambda u: u.get("alice", {}).get("left") is True)
            assert users["bob"]["left"] is False, users
            await b.close()
        asyncio.run(scenario())


def test_staff_only_room_refuses_non_staff_on_either_process_while_staff_chat_across():
    with TwoServers(users=("bob",), staff=("sam", "tina"), staff_rooms=("Staff",)) as s:
        staff_room = s.rooms["Staff"]
        sam = s.cookie(s.first, "sam")
        tina = s.cookie(s.second, "tina")
        bob_cookies = [s.cookie(server, "bob") for server in (s.first, s.second)]

        async def scenario():
            for server, cookie in zip((s.first, s.second), bob_cookies):
                bob = await joined_or_refused(server, cookie, staff_room)
                assert bob["error"] == "ROOM_ACCESS_DENIED", (server.port, bob)
            first = await joined(s.first, sam, staff_room)
            second = await joined(s.second, tina, staff_room)
            await until_delivered(first, second, staff_room)
            await until_delivered(second, first, staff_room)
            await ws_send(second, command="send", room=staff_room, message="from tina")
            frame = await ws_recv_until(first, lambda f: f.get("message") == "from tina")
            assert frame == {"msg_type": 0, "room": staff_room, "username": "tina",
                             "message": "from tina"}
            await first.close()
            await second.close()
        asyncio.run(scenario())


def test_a_demotion_and_a_logout_on_one_process_reach_sockets_on_the_other():
    token = "cross-process-api-token-0123"
    with TwoServers(staff=("sam", "tina"), staff_rooms=("Staff",),
                    extra_config=f'api_token = "{token}"') as s:
        staff_room = s.rooms["Staff"]
        admin = Browser(s.first)
        sam_id = [u["id"] for u in admin.api("GET", "/api/users", token=token).json()
                  if u["username"] == "sam"][0]
        tina_browser = logged_in(s.first, "tina")  # logs in on the first process ...

        async def scenario():
            sam = await joined(s.second, s.cookie(s.second, "sam"), staff_room)
            # ... and her socket is on the second.
            tina = await joined(s.second, f"sessionid={tina_browser.session()}", staff_room)
            response = await asyncio.to_thread(admin.api, "PATCH", f"/api/users/{sam_id}",
                                               {"is_staff": False}, token)
            assert response.status == 200
            await ws_recv_until(sam, lambda f: f.get("error") == "ROOM_ACCESS_DENIED" and
                                f.get("room") == staff_room, timeout=10)
            await ws_recv_until(tina, lambda f: f.get("msg_type") == 5 and
                                f.get("username") == "sam", timeout=10)
            response = await asyncio.to_thread(tina_browser.post_form, "/accounts/logout/", {})
            assert response.status == 302
            assert await ws_close_code(tina) == 1008
            await sam.close()
        asyncio.run(scenario())


async def joined_or_refused(server, cookie, room):
    """The first reply to a join, on a fresh connection (closed afterwards)."""
    ws = await ws_connect(server, cookie)
    try:
        await ws_send(ws, command="join", room=room)
        return await ws_recv(ws)
    finally:
        await ws.close()


if __name__ == "__main__":
    assert BIN, "set WHISPER_SERVER_BIN"
    run_tests(globals())
